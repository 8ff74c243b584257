import type { SubscribeError } from '../src/server/realtime/events.js';
import { clear, el } from './dom.js';

const DEBOUNCE_MS = 350;

/**
 * The filter box: the text goes to the server as the subscription's filter (debounced while
 * typing, at once on Enter); the server's answer marks the problem in place and offers its
 * suggestions as buttons that replace the marked text.
 */
export class FilterBox {
  private timer = 0;

  constructor(
    private readonly input: HTMLInputElement,
    form: HTMLFormElement,
    private readonly errorBox: HTMLElement,
    private readonly echo: HTMLElement,
    private readonly message: HTMLElement,
    private readonly suggestions: HTMLElement,
    private readonly onApply: (text: string) => void,
  ) {
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.apply(), DEBOUNCE_MS);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.apply();
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && input.value !== '') {
        input.value = '';
        this.apply();
      }
    });
  }

  get value(): string {
    return this.input.value.trim();
  }

  /** Sets the text (a click on an address, the URL) and applies it. */
  set(text: string): void {
    this.input.value = text;
    this.apply();
  }

  ok(): void {
    this.input.removeAttribute('aria-invalid');
    this.errorBox.hidden = true;
  }

  error(e: SubscribeError): void {
    const text = this.input.value;
    this.input.setAttribute('aria-invalid', 'true');
    this.errorBox.hidden = false;
    this.message.textContent = e.message;
    clear(this.echo);
    if (e.code === 'BAD_FILTER') {
      const end = Math.min(text.length, e.position + Math.max(e.length, 0));
      const mark = el('mark', {}, e.length > 0 ? text.slice(e.position, end) : ' ');
      this.echo.append(text.slice(0, e.position), mark, text.slice(end));
    }
    clear(this.suggestions);
    for (const s of e.suggestions.slice(0, 8)) {
      const b = el('button', { type: 'button', class: 'suggestion' }, s);
      b.addEventListener('click', () => {
        const before = text.slice(0, e.position);
        const after = text.slice(e.position + e.length);
        const spaced = before === '' || before.endsWith(' ') || before.endsWith('(') ? before : `${before} `;
        this.set(`${spaced}${s}${after}`);
        this.input.focus();
      });
      this.suggestions.append(b);
    }
  }

  private apply(): void {
    clearTimeout(this.timer);
    this.onApply(this.value);
  }
}
