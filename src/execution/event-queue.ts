import type { ExecutionEvent, ExecutionListener } from '../engine/ports.js';

/**
 * Delivers execution events in the order they happened, after the exchange has finished the
 * call that produced them (a bar, a submission), so a listener that submits or cancels from
 * inside `onFill` never sees the exchange half-way through a bar. Events a listener causes are
 * appended and delivered in the same pass.
 */
export class EventQueue {
  readonly #listeners: ExecutionListener[] = [];
  /**
   * Events to deliver are `#queue[0..#size)`. The array keeps its capacity between drains
   * (emptying it with `length = 0` would drop its storage and reallocate it on the next push).
   */
  readonly #queue: (ExecutionEvent | undefined)[] = [];
  #size = 0;
  #isDraining = false;

  subscribe(listener: ExecutionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  push(event: ExecutionEvent): void {
    const q = this.#queue;
    if (this.#size < q.length) q[this.#size] = event;
    else q.push(event);
    this.#size++;
  }

  /** Delivers every queued event; a no-op when nothing is queued or a delivery is under way. */
  drain(): void {
    const q = this.#queue;
    if (this.#isDraining || this.#size === 0) return;
    this.#isDraining = true;
    let i = 0;
    try {
      for (; i < this.#size; i++) {
        const event = q[i] as ExecutionEvent;
        for (let j = 0; j < this.#listeners.length; j++) (this.#listeners[j] as ExecutionListener)(event);
      }
    } finally {
      // A listener that throws leaves the undelivered events queued for the next call.
      const end = this.#size;
      const done = Math.min(i + 1, end);
      q.copyWithin(0, done, end);
      this.#size = end - done;
      q.fill(undefined, this.#size, end);
      this.#isDraining = false;
    }
  }
}
