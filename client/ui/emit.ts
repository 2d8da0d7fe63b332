/**
 * Dispatches one of Kefu's `kefu-*` events the one way they all go: bubbling
 * and crossing shadow boundaries (a page listens on the outer element), with
 * the detail type GlobalEventHandlersEventMap declares for the name.
 */
export function emit<K extends keyof GlobalEventHandlersEventMap>(
  from: EventTarget,
  name: K,
  ...detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? (D extends undefined ? [] : [D]) : never
): void {
  from.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail: detail[0] }));
}
