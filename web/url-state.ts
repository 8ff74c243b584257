/** The filter lives in the URL (?filter=…): a view can be shared and the Back button undoes a filter. */

export function filterFromUrl(): string {
  return new URLSearchParams(location.search).get('filter') ?? '';
}

export function pushFilter(text: string): void {
  if (text === filterFromUrl()) return;
  const q = new URLSearchParams(location.search);
  if (text) q.set('filter', text);
  else q.delete('filter');
  const search = q.size > 0 ? `?${q.toString()}` : '';
  history.pushState({ filter: text }, '', `${location.pathname}${search}${location.hash}`);
}

export function onFilterNavigation(fn: (text: string) => void): void {
  window.addEventListener('popstate', () => fn(filterFromUrl()));
}
