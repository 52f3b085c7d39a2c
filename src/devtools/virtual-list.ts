/**
 * A keyboard-navigable listbox that only builds the rows in view, so 30,000 timeline entries
 * cost the same as 30. Rows have a fixed height; the selection moves with the arrow keys,
 * Home/End and Page Up/Down, and is announced through aria-activedescendant.
 */
export class VirtualList<T> {
  private items: readonly T[] = [];
  private selectedIndex = -1;
  private readonly spacer: HTMLElement;
  private frame = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly renderRow: (item: T, index: number) => HTMLElement,
    /** `byUser`: a click or a key, not `select()` called by the code. */
    private readonly onSelect: (item: T | undefined, index: number, byUser: boolean) => void,
    private readonly rowHeight = 20,
  ) {
    container.setAttribute('role', 'listbox');
    container.tabIndex = 0;
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    container.replaceChildren(this.spacer);
    container.addEventListener('scroll', () => this.schedule());
    container.addEventListener('keydown', event => this.key(event));
    container.addEventListener('click', event => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (row) this.select(Number(row.dataset.index), { byUser: true });
    });
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  get selected(): number {
    return this.selectedIndex;
  }

  get length(): number {
    return this.items.length;
  }

  /** New items; `select` is the index to select (-1: none). */
  setItems(items: readonly T[], select: number): void {
    this.items = items;
    this.container.setAttribute('aria-setsize', String(items.length));
    this.spacer.style.height = `${items.length * this.rowHeight}px`;
    this.selectedIndex = Math.min(select, items.length - 1);
    this.render();
  }

  select(index: number, { reveal = true, byUser = false } = {}): void {
    if (this.items.length === 0) return;
    this.selectedIndex = Math.max(0, Math.min(index, this.items.length - 1));
    if (reveal) this.reveal(this.selectedIndex);
    this.render();
    this.onSelect(this.items[this.selectedIndex], this.selectedIndex, byUser);
  }

  /** Re-renders the rows in view (their content may have changed). */
  refresh(): void {
    this.render();
  }

  private reveal(index: number) {
    const top = index * this.rowHeight;
    const view = this.container.clientHeight;
    if (top < this.container.scrollTop) this.container.scrollTop = top;
    else if (top + this.rowHeight > this.container.scrollTop + view)
      this.container.scrollTop = top + this.rowHeight - view;
  }

  private schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render() {
    const height = this.container.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.container.scrollTop / this.rowHeight) - 10);
    const last = Math.min(this.items.length, Math.ceil((this.container.scrollTop + height) / this.rowHeight) + 10);
    const rows: HTMLElement[] = [this.spacer];
    for (let i = first; i < last; i++) {
      const row = this.renderRow(this.items[i]!, i);
      row.id = `row-${i}`;
      row.dataset.index = String(i);
      row.setAttribute('role', 'option');
      row.setAttribute('aria-posinset', String(i + 1));
      row.setAttribute('aria-setsize', String(this.items.length));
      row.setAttribute('aria-selected', String(i === this.selectedIndex));
      row.style.top = `${i * this.rowHeight}px`;
      rows.push(row);
    }
    this.container.replaceChildren(...rows);
    if (this.selectedIndex >= first && this.selectedIndex < last)
      this.container.setAttribute('aria-activedescendant', `row-${this.selectedIndex}`);
    else this.container.removeAttribute('aria-activedescendant');
  }

  private key(event: KeyboardEvent) {
    const page = Math.max(1, Math.floor(this.container.clientHeight / this.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.selectedIndex + 1,
      ArrowUp: this.selectedIndex - 1,
      Home: 0,
      End: this.items.length - 1,
      PageDown: this.selectedIndex + page,
      PageUp: this.selectedIndex - page,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.select(target, { byUser: true });
  }
}
