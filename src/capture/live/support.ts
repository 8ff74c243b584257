/** Whether live capture can run here (Linux, addon built), with the one-line reason if not. */
import { addonStatus } from './addon.js';

export function isLiveCaptureSupported(): { ok: true } | { ok: false; reason: string } {
  const s = addonStatus();
  return s.ok ? { ok: true } : { ok: false, reason: s.reason };
}
