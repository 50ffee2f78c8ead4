// Keyboard coding (the page works without it): a code's key toggles its box, Enter saves and goes
// on, 0 saves "no code applies", Escape clears, arrows move, u goes to the next uncoded answer.
document.addEventListener('keydown', (event) => {
  const form = document.getElementById('coding');
  if (!form || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target instanceof HTMLElement && event.target.closest('textarea, select, input[type="text"]'))
    return;
  const go = (id) => {
    const link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  };
  const box = form.querySelector(`input[data-key="${CSS.escape(event.key)}"]`);
  if (box) box.checked = !box.checked;
  else if (event.key === 'Enter') form.requestSubmit(document.getElementById('save'));
  else if (event.key === '0') form.requestSubmit(document.getElementById('none'));
  else if (event.key === 'Escape')
    form.querySelectorAll('input[name="codes"]').forEach((b) => (b.checked = false));
  else if (event.key === 'ArrowRight') go('next');
  else if (event.key === 'ArrowLeft') go('previous');
  else if (event.key === 'u') go('uncoded');
  else return;
  event.preventDefault();
});
