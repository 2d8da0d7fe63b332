// The message box of both faces, as handlers rather than a component: the
// widget's tests and screen-reader users expect the textarea itself to be the
// focused element of the panel, and a shared element would cost the widget
// bytes it does not have. Enter sends, Shift+Enter is a new line, and Enter
// that confirms an IME candidate (Chinese, Japanese input) sends nothing.

/** The protocol's limit on a message's length (PROTOCOL.md, "Messages"). */
export const MAX_LENGTH = 4000;

/** keydown: Enter without Shift (and not confirming an IME candidate) calls `send`. */
export function composerKeydown(e: KeyboardEvent, send: () => void): void {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
}

/** input: grows the box with its text up to `maxPx`; true when the text is over MAX_LENGTH. */
export function composerInput(ta: HTMLTextAreaElement, maxPx: number): boolean {
  ta.style.height = 'auto';
  ta.style.height = Math.min(ta.scrollHeight, maxPx) + 'px';
  return ta.value.length > MAX_LENGTH;
}

/** Empties the box after a send and shrinks it back. */
export function clearComposer(ta: HTMLTextAreaElement): void {
  ta.value = '';
  ta.style.height = 'auto';
}
