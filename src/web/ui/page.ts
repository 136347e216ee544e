/** What every page gets: where to render, and a signal that aborts when the user leaves it. */
export interface PageContext {
  main: HTMLElement;
  signal: AbortSignal;
}

export interface Page {
  /** The hash route, e.g. `/callers`. */
  path: string;
  title: string;
  render(ctx: PageContext): Promise<void>;
}
