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
