// After htmx puts a form back with what to fix, move the keyboard's focus to the first thing to
// fix: the first field refused (its label, state and message are read out together), else the
// refusal (a form refused as a whole, or put back as only its refusal), so that a person using
// the keyboard or a screen reader hears it.
function firstOf(element, selector) {
  return element.matches(selector) ? element : element.querySelector(selector);
}

document.addEventListener("htmx:afterSwap", function (event) {
  var swapped = event.detail.elt;
  if (!(swapped instanceof Element)) {
    return;
  }
  var first = firstOf(swapped, "[aria-invalid=true]") || firstOf(swapped, ".refusal, .error");
  if (first) {
    if (!first.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA)$/.test(first.tagName)) {
      first.setAttribute("tabindex", "-1");
    }
    first.focus();
  }
});
