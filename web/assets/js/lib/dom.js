// Building DOM nodes without HTML strings: every piece of text goes through textContent, so
// data from spawners or users can never become markup.

/**
 * Creates an element. `props` may hold: className, text, attrs (set with setAttribute; never
 * `style` or event handler attributes), dataset, on (event listeners), and DOM properties
 * such as type, value, disabled, checked, hidden, title.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'className') {
      element.className = value;
    } else if (key === 'text') {
      element.textContent = String(value);
    } else if (key === 'attrs') {
      for (const [name, attr] of Object.entries(value)) {
        if (/^on/i.test(name) || name.toLowerCase() === 'style') {
          throw new Error(`refusing attribute ${name}`);
        }
        if (attr !== undefined && attr !== null && attr !== false) {
          element.setAttribute(name, attr === true ? '' : String(attr));
        }
      }
    } else if (key === 'dataset') {
      for (const [name, data] of Object.entries(value)) element.dataset[name] = String(data);
    } else if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else {
      element[key] = value;
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Sets the text of an element only when it changed (avoids needless layout work). */
export function setText(element, text) {
  const value = text === undefined || text === null ? '' : String(text);
  if (element.textContent !== value) element.textContent = value;
}

export function $(selector, root = document) {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`missing element ${selector}`);
  return found;
}

export function $all(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

/** Fills a `.meter` element: `fraction` 0-1 (clamped); sets data-level for the colour. */
export function setMeter(meter, fraction) {
  const value = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
  let fill = meter.firstElementChild;
  if (!fill) {
    fill = document.createElement('span');
    meter.append(fill);
  }
  // CSSOM, not a style attribute: allowed by the page's Content-Security-Policy.
  fill.style.width = `${(value * 100).toFixed(1)}%`;
  meter.dataset.level = value >= 0.95 ? 'full' : value >= 0.8 ? 'high' : 'normal';
}

export function meter(fraction) {
  const element = h('div', { className: 'meter', attrs: { role: 'presentation' } });
  setMeter(element, fraction);
  return element;
}
