/**
 * The API token, when the server has one: taken once from the page's #token=… fragment (never
 * sent to the server in a URL) or typed into the token dialog, kept for the browser tab only.
 */
const KEY = 'flowmatrix.token';

export function takeTokenFromFragment(): void {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}
