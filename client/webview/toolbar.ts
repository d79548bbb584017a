/**
 * A toolbar (WAI-ARIA toolbar pattern), shared by the webviews: one Tab stop; the arrow keys, Home and End move
 * between its buttons; Tab comes back to the button last used.
 */
export function toolbar(label: string, buttons: HTMLButtonElement[]): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'actions';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', label);
  bar.append(...buttons);
  const makeCurrent = (current: HTMLButtonElement) => {
    for (const b of buttons) b.tabIndex = b === current ? 0 : -1;
  };
  if (buttons[0]) makeCurrent(buttons[0]);
  bar.addEventListener('focusin', (event) => {
    if (buttons.includes(event.target as HTMLButtonElement)) makeCurrent(event.target as HTMLButtonElement);
  });
  bar.addEventListener('keydown', (event) => {
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const last = buttons.length - 1;
    const target =
      event.key === 'ArrowRight' || event.key === 'ArrowDown' ? (index === last ? 0 : index + 1)
      : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? (index === 0 ? last : index - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : -1;
    if (target < 0) return;
    event.preventDefault();
    makeCurrent(buttons[target]!);
    buttons[target]!.focus();
  });
  return bar;
}
