// Knowledge helpers (no inline script: the CSP allows only files from the site).
// [data-kb-insert]: put its text into the reply box (data-kb-target, default #id_body).
// [data-kb-close]: close the article preview on the portal form, back to the title.
document.addEventListener("click", (event) => {
  const insert = event.target.closest("[data-kb-insert]");
  if (insert) {
    const box = document.querySelector(insert.dataset.kbTarget || "#id_body");
    if (!box) return;
    const text = insert.dataset.kbInsert;
    box.value = box.value.trim() ? `${box.value.replace(/\s*$/, "")}\n\n${text}` : text;
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
    return;
  }
  const close = event.target.closest("[data-kb-close]");
  if (close) {
    const preview = close.closest(".kb-preview");
    if (preview) preview.remove();
    const title = document.getElementById("id_title");
    if (title) title.focus();
  }
});
