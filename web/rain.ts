const GLYPHS = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉ0123456789ABCDEF:.';
const CELL = 18;
const FRAME_MS = 90;

/**
 * The background digital rain: a few columns of glyphs on a low-resolution canvas at about
 * 11 frames per second (one fillRect and one glyph per column per frame). It stops while the
 * tab is hidden and does not run at all when the user prefers reduced motion.
 */
export function startRain(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) return;
  const motion = window.matchMedia('(prefers-reduced-motion: reduce)');
  let drops: number[] = [];
  let timer = 0;

  const resize = (): void => {
    canvas.width = Math.ceil(window.innerWidth / 2);
    canvas.height = Math.ceil(window.innerHeight / 2);
    const columns = Math.ceil(canvas.width / (CELL / 2));
    drops = Array.from({ length: columns }, () => (Math.random() < 0.35 ? Math.random() * -60 : -1e9));
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.font = `${CELL / 2}px monospace`;
  };

  const frame = (): void => {
    ctx.fillStyle = 'rgba(0, 0, 0, 0.12)';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#00ff41';
    const rows = canvas.height / (CELL / 2);
    for (let i = 0; i < drops.length; i++) {
      const y = drops[i];
      if (y < -1e8) continue;
      if (y >= 0) ctx.fillText(GLYPHS[(Math.random() * GLYPHS.length) | 0], i * (CELL / 2), y * (CELL / 2));
      drops[i] = y > rows && Math.random() > 0.97 ? Math.random() * -30 : y + 1;
    }
  };

  const run = (): void => {
    stop();
    if (document.hidden || motion.matches) return;
    timer = window.setInterval(frame, FRAME_MS);
  };
  const stop = (): void => {
    if (timer !== 0) window.clearInterval(timer);
    timer = 0;
  };

  resize();
  window.addEventListener('resize', resize);
  document.addEventListener('visibilitychange', run);
  motion.addEventListener('change', run);
  run();
}
