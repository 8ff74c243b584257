import { readFileSync } from 'node:fs';
import { FlowmatrixError } from '../errors.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** A user's uid and primary gid from /etc/passwd. */
export function lookupUser(name: string, passwd = '/etc/passwd'): Account | null {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && f[0] === name) return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

/**
 * Gives up root once the capture sockets are open: supplementary groups, then gid, then uid
 * (in that order: after setuid the others are no longer allowed). Node's calls change every
 * thread of the process (glibc applies set*id to all threads), worker threads included.
 * Returns the account now in effect; does nothing when not running as root.
 */
export function dropPrivileges(user: string): Account | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const account = lookupUser(user);
  if (!account) throw new FlowmatrixError('BAD_ARGUMENT', `--user: no user named "${user}" in /etc/passwd`);
  if (account.uid === 0)
    throw new FlowmatrixError('BAD_ARGUMENT', `--user: "${user}" is root; name an unprivileged user`);
  try {
    process.setgroups?.([account.gid]);
    process.setgid?.(account.gid);
    process.setuid?.(account.uid);
  } catch (err) {
    throw new FlowmatrixError('PERMISSION', `cannot drop privileges to ${user}: ${(err as Error).message}`);
  }
  return account;
}
