// After htmx puts a form back with what to fix, move the keyboard's focus to the first thing to
// fix (or to the refusal), so that a person using the keyboard or a screen reader hears it.
document.addEventListener("htmx:afterSwap", function (event) {
  var swapped = event.detail.elt;
  var first = swapped.querySelector("[aria-invalid=true], .refusal, .error");
  if (first) {
    if (!first.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA)$/.test(first.tagName)) {
      first.setAttribute("tabindex", "-1");
    }
    first.focus();
  }
});
