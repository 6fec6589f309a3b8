// Modal dialogs built on <dialog>: a confirmation and a small form. They resolve to the
// user's answer; Escape or Cancel resolve to null/false.
import { h } from './dom.js';

function openModal(content, onSubmit) {
  return new Promise((resolve) => {
    const form = h('form', { attrs: { method: 'dialog' } }, content.body, content.actions);
    const dialog = h('dialog', { className: 'modal', attrs: { 'aria-labelledby': content.titleId } }, form);
    let result = null;
    form.addEventListener('submit', (event) => {
      const submitter = event.submitter;
      if (submitter && submitter.value === 'cancel') {
        result = null;
        return;
      }
      result = onSubmit(form);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
    const focus = dialog.querySelector('[autofocus]') || dialog.querySelector('button[value="ok"]');
    if (focus) focus.focus();
  });
}

let nextId = 0;

/**
 * Asks for confirmation. Options: title, message, confirmLabel, danger.
 * Resolves to true when confirmed.
 */
export async function confirmAction({ title, message, confirmLabel = 'Confirm', danger = false }) {
  const titleId = `dialog-title-${++nextId}`;
  const answer = await openModal({
    titleId,
    body: h('div', { className: 'modal-body' }, h('h2', { id: titleId, text: title }), h('p', { text: message })),
    actions: h('div', { className: 'modal-actions' },
      h('button', { className: 'btn', type: 'submit', value: 'cancel', text: 'Cancel', attrs: { formnovalidate: true } }),
      h('button', {
        className: danger ? 'btn btn-danger btn-solid' : 'btn btn-primary',
        type: 'submit',
        value: 'ok',
        text: confirmLabel,
        attrs: { 'data-testid': 'confirm-ok' },
      })),
  }, () => true);
  return answer === true;
}

/**
 * A form in a dialog. `fields`: [{ name, label, type, value, options, required, minLength,
 * autocomplete }]. Resolves to an object of the values, or null when cancelled.
 */
export async function promptForm({ title, message = '', fields, submitLabel = 'Save' }) {
  const titleId = `dialog-title-${++nextId}`;
  const inputs = fields.map((field, index) => {
    let input;
    if (field.type === 'select') {
      input = h('select', { name: field.name },
        field.options.map((option) => h('option', { value: option, text: option, selected: option === field.value })));
    } else {
      input = h('input', {
        name: field.name,
        type: field.type || 'text',
        value: field.value || '',
        required: Boolean(field.required),
        attrs: {
          minlength: field.minLength,
          autocomplete: field.autocomplete || 'off',
          autofocus: index === 0 ? true : undefined,
        },
      });
    }
    return h('label', { className: 'field' }, h('span', { text: field.label }), input);
  });
  return openModal({
    titleId,
    body: h('div', { className: 'modal-body' }, h('h2', { id: titleId, text: title }),
      message ? h('p', { text: message }) : null, inputs),
    actions: h('div', { className: 'modal-actions' },
      h('button', { className: 'btn', type: 'submit', value: 'cancel', text: 'Cancel', attrs: { formnovalidate: true } }),
      h('button', { className: 'btn btn-primary', type: 'submit', value: 'ok', text: submitLabel })),
  }, (form) => Object.fromEntries(new FormData(form).entries()));
}
