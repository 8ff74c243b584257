/** A group of toggle buttons (aria-pressed) choosing one value. */
export function segmented(group: HTMLElement, onChange: (value: string) => void): (value: string) => void {
  const buttons = [...group.querySelectorAll<HTMLButtonElement>('button[data-value]')];
  const select = (value: string): void => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.value === value));
  };
  for (const b of buttons) {
    b.addEventListener('click', () => {
      const v = b.dataset.value ?? '';
      select(v);
      onChange(v);
    });
  }
  return select;
}
