import type { ExecutionEvent, ExecutionListener } from './ports.js';

/**
 * Delivers execution events in the order they happened, after the exchange has finished the
 * call that produced them (a bar, a submission), so a listener that submits or cancels from
 * inside `onFill` never sees the exchange half-way through a bar. Events a listener causes are
 * appended and delivered in the same pass.
 */
export class EventQueue {
  readonly #listeners: ExecutionListener[] = [];
  readonly #queue: ExecutionEvent[] = [];
  #isDraining = false;

  subscribe(listener: ExecutionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  push(event: ExecutionEvent): void {
    this.#queue.push(event);
  }

  /** Delivers every queued event; a no-op when nothing is queued or a delivery is under way. */
  drain(): void {
    const q = this.#queue;
    if (this.#isDraining || q.length === 0) return;
    this.#isDraining = true;
    let i = 0;
    try {
      for (; i < q.length; i++) {
        const event = q[i] as ExecutionEvent;
        for (let j = 0; j < this.#listeners.length; j++) (this.#listeners[j] as ExecutionListener)(event);
      }
    } finally {
      // A listener that throws leaves the undelivered events queued for the next call.
      if (i >= q.length) q.length = 0;
      else q.splice(0, i + 1);
      this.#isDraining = false;
    }
  }
}
