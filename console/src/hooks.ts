import { useEffect, useRef, useState } from 'preact/hooks';

/** How often the open page asks the read API again: a new alert or state change shows within seconds. */
export const REFRESH_MS = 3000;

export interface Polled<T> {
  readonly data?: T;
  readonly error?: string;
  readonly loading: boolean;
}

/**
 * Loads now and again every few seconds while the tab is visible; a change of `deps` starts over. A slow answer
 * to an old request never overwrites a newer one.
 */
export function usePolled<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  intervalMs = REFRESH_MS,
): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ loading: true });
  const generation = useRef(0);
  // `deps` are the caller's: `load` is a new closure each render, and only a change of deps restarts polling.
  useEffect(() => {
    const current = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await load();
        if (current === generation.current) setState({ data, loading: false });
      } catch (error) {
        if (current === generation.current) {
          setState((previous) => ({
            ...previous,
            error: error instanceof Error ? error.message : String(error),
            loading: false,
          }));
        }
      }
      if (current === generation.current) timer = setTimeout(tick, intervalMs);
    };
    const tick = () => {
      if (document.visibilityState === 'hidden') timer = setTimeout(tick, intervalMs);
      else void run();
    };
    void run();
    return () => {
      generation.current++;
      clearTimeout(timer);
    };
  }, deps);
  return state;
}

/** The current time, re-read every `ms` (for countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** A value that follows `value` once it has stopped changing for `ms` (search boxes). */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The hash route, e.g. `templates/123` for `#/templates/123`. */
export function useRoute(): string {
  const read = () => window.location.hash.replace(/^#\/?/, '');
  const [route, setRoute] = useState(read());
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
