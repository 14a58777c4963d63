// Trove admin: small conveniences on top of pages that work without JavaScript.
document.addEventListener('keydown', (event) => {
  // "/" jumps to the search box, as in many admin tools; not while typing elsewhere.
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
  const search = document.getElementById('searchbar');
  if (search) {
    event.preventDefault();
    search.focus();
  }
});

// The changelist's checkboxes: a page-wide toggle, a live count, and shift-click to tick a range.
(() => {
  const form = document.getElementById('changelist-form');
  if (!form) return;
  const boxes = [...form.querySelectorAll('input.action-select')];
  const toggle = document.getElementById('action-toggle');
  const counter = form.querySelector('.action-counter');
  const across = form.querySelector('input[name=select_across]');
  const update = () => {
    const ticked = boxes.filter((box) => box.checked).length;
    for (const box of boxes) box.closest('tr')?.classList.toggle('selected', box.checked);
    if (toggle) toggle.checked = ticked > 0 && ticked === boxes.length;
    if (counter) {
      counter.hidden = false;
      counter.textContent = across && across.checked ? `All selected` : `${ticked} of ${boxes.length} selected`;
    }
  };
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener('change', () => {
      for (const box of boxes) box.checked = toggle.checked;
      if (!toggle.checked && across) across.checked = false;
      update();
    });
  }
  let last = null;
  for (const box of boxes) {
    box.addEventListener('click', (event) => {
      if (event.shiftKey && last !== null && last !== box) {
        const [from, to] = [boxes.indexOf(last), boxes.indexOf(box)].sort((a, b) => a - b);
        for (const other of boxes.slice(from, to + 1)) other.checked = box.checked;
      }
      last = box;
      if (!box.checked && across) across.checked = false;
      update();
    });
  }
  if (across) {
    across.addEventListener('change', () => {
      if (across.checked) for (const box of boxes) box.checked = true;
      update();
    });
  }
  update();
})();

// Relations to large tables: the key input becomes a search box over /admin/autocomplete/
// (an ARIA combobox: arrows move, Enter picks, Escape closes). Without JavaScript it stays a key input.
for (const box of document.querySelectorAll('.related-key[data-autocomplete-url]')) {
  const keys = box.querySelector('input');
  const current = box.querySelector('.current');
  const multiple = box.dataset.multiple === 'true';
  const id = keys.id;
  const chosen = new Map(Object.entries(JSON.parse(box.querySelector('template.chosen-labels')?.content.textContent || '{}')));
  for (const key of keys.value.split(',').filter(Boolean)) if (!chosen.has(key)) chosen.set(key, key);
  for (const key of [...chosen.keys()]) if (!keys.value.split(',').includes(key)) chosen.delete(key);

  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.autocomplete = 'off';
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', `${id}_listbox`);
  if (keys.getAttribute('aria-describedby')) input.setAttribute('aria-describedby', keys.getAttribute('aria-describedby').replace(`${id}_current`, '').trim());
  input.placeholder = 'Search';
  keys.id = `${id}_keys`;
  keys.type = 'hidden';
  keys.removeAttribute('aria-describedby');
  current.hidden = true;
  const list = document.createElement('ul');
  list.id = `${id}_listbox`;
  list.setAttribute('role', 'listbox');
  list.className = 'autocomplete-results';
  list.hidden = true;
  const chips = document.createElement('ul');
  chips.className = 'chosen';
  chips.setAttribute('aria-label', 'Chosen');
  box.append(input, list);
  if (multiple) box.append(chips);

  let results = [];
  let active = -1;
  let timer;
  let asked = 0;
  const sync = () => {
    keys.value = [...chosen.keys()].join(',');
    if (!multiple) input.value = chosen.size ? [...chosen.values()][0] : '';
    chips.replaceChildren(...[...chosen].map(([key, label]) => {
      const li = document.createElement('li');
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `Remove ${label}`);
      remove.addEventListener('click', () => { chosen.delete(key); sync(); input.focus(); });
      li.append(label, ' ', remove);
      return li;
    }));
  };
  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
  const show = () => {
    list.replaceChildren(...results.map((r, i) => {
      const li = document.createElement('li');
      li.id = `${id}_option_${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.textContent = r.text;
      li.addEventListener('mousedown', (event) => { event.preventDefault(); pick(i); });
      return li;
    }));
    if (results.length === 0) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = 'No results found';
      list.append(li);
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (active >= 0) input.setAttribute('aria-activedescendant', `${id}_option_${active}`);
  };
  const pick = (i) => {
    const r = results[i];
    if (!r) return;
    if (!multiple) chosen.clear();
    chosen.set(String(r.id), r.text);
    if (multiple) input.value = '';
    sync();
    close();
  };
  const search = async () => {
    // Answers may come back out of order: only the latest question's answer is shown.
    const question = ++asked;
    const url = `${box.dataset.autocompleteUrl}&term=${encodeURIComponent(multiple ? input.value : input.value === [...chosen.values()][0] ? '' : input.value)}`;
    const answer = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!answer.ok || question !== asked) return;
    const found = (await answer.json()).results;
    if (question !== asked || document.activeElement !== input) return;
    results = found;
    active = results.length ? 0 : -1;
    show();
  };
  input.addEventListener('input', () => {
    if (!multiple && input.value === '') { chosen.clear(); keys.value = ''; }
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('focus', () => { if (list.hidden) { clearTimeout(timer); timer = setTimeout(search, 0); } });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (list.hidden) return search();
      if (results.length) active = (active + (event.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      show();
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => { close(); if (!multiple) sync(); });
  sync();
}

// Filtered pickers (ModelAdmin's filterHorizontal): the plain multiple select becomes a list of
// checkboxes under a filter box, each ticking its option in the select, which stays the form's
// field. Filtering hides rows and never unticks one; without JavaScript the select works alone.
for (const picker of document.querySelectorAll('[data-filtered-select]')) {
  const select = picker.querySelector('select');
  const box = picker.querySelector('.filter-box');
  const filter = box && box.querySelector('input');
  const status = picker.querySelector('.filter-status');
  if (!select || !filter || !status) continue;
  const label = document.querySelector(`label[for="${select.id}"]`);
  // A group named by the field's label, holding a plain list (a list with role=group has no items).
  const group = document.createElement('div');
  group.className = 'choices';
  group.id = `${select.id}_choices`;
  group.setAttribute('role', 'group');
  if (label) {
    label.id ||= `${select.id}_label`;
    group.setAttribute('aria-labelledby', label.id);
  }
  const list = document.createElement('ul');
  group.append(list);
  const rows = [...select.options].map((option, i) => {
    const row = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `${select.id}_choice_${i}`;
    box.checked = option.selected;
    box.addEventListener('change', () => { option.selected = box.checked; update(); });
    const text = document.createElement('label');
    text.htmlFor = box.id;
    text.textContent = option.textContent;
    row.append(box, text);
    return { row, box, option, words: (option.textContent || '').toLowerCase() };
  });
  list.append(...rows.map((r) => r.row));
  const bulk = document.createElement('p');
  bulk.className = 'filter-actions';
  const button = (text, checked) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = text;
    b.addEventListener('click', () => {
      for (const r of rows) if (!r.row.hidden) { r.box.checked = checked; r.option.selected = checked; }
      update();
    });
    return b;
  };
  bulk.append(button('Choose all shown', true), ' ', button('Remove all shown', false));
  const update = () => {
    const terms = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const r of rows) {
      r.row.hidden = !terms.every((t) => r.words.includes(t));
      if (!r.row.hidden) shown += 1;
    }
    const chosen = rows.filter((r) => r.option.selected).length;
    status.textContent = `${chosen} chosen; ${shown} of ${rows.length} shown.`;
  };
  filter.setAttribute('aria-controls', group.id);
  filter.addEventListener('input', update);
  // Enter in the filter box filters; it does not submit the form.
  filter.addEventListener('keydown', (event) => { if (event.key === 'Enter') event.preventDefault(); });
  select.hidden = true;
  picker.querySelector('p.help')?.setAttribute('hidden', '');
  select.after(bulk, group);
  box.hidden = false;
  status.hidden = false;
  update();
}

// An online operation's page follows it while it runs. Without JavaScript a <noscript> refresh
// reloads the page; here the figures are replaced in place every few seconds, so keyboard focus
// and a screen reader's place stay where they are. When the state changes (it ends, is paused)
// the page is reloaded once, for its new buttons and its message.
(() => {
  const region = document.getElementById('operation');
  if (!region || !region.dataset.follow) return;
  const every = Math.max(1, Number(region.dataset.follow) || 2) * 1000;
  const tick = async () => {
    let wait = every;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.ok) {
        const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('operation');
        if (!next || next.dataset.state !== region.dataset.state) return location.reload();
        region.replaceChildren(...document.adoptNode(next).childNodes);
      } else wait = every * 4;
    } catch {
      wait = every * 4;
    }
    setTimeout(tick, wait);
  };
  setTimeout(tick, every);
})();
