// Forms the NL Design System / GOV.UK way (templates/partials/field.html, error_summary.html):
// - the error summary takes the focus on load; its links move the focus to their field
//   (label in view) instead of only scrolling;
// - a textarea with data-maxlength shows the characters left live (aria-live polite, throttled).
//   The hard maxlength is dropped, so pasted text is not cut off silently: too long text
//   gets how many are too many, and the server's error. Without JavaScript the hint states the
//   limit and maxlength holds.
// Included more than once on a page (summary and fields): runs once.
(function () {
  "use strict";
  if (window.ropForms) {
    return;
  }
  window.ropForms = true;

  var numberFormat = new Intl.NumberFormat("nl-NL");

  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) {
      return false;
    }
    var field = target.closest(".rop-form-field") || target;
    var label = field.querySelector("legend, label");
    target.focus({ preventScroll: true });
    (label || target).scrollIntoView({ block: "start" });
    return document.activeElement === target;
  }

  function focusSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (link && focusField(decodeURIComponent(link.hash.slice(1)))) {
      event.preventDefault();
    }
  });

  // The texts come translated from the template (data-left, data-over, …).
  function countText(counter, left) {
    var texts = counter.dataset;
    if (left >= 0) {
      return left === 1 ? texts.leftOne : texts.left.replace("%(count)s", numberFormat.format(left));
    }
    return left === -1 ? texts.overOne : texts.over.replace("%(count)s", numberFormat.format(-left));
  }

  function updateCount(textarea) {
    var counter = document.getElementById(textarea.dataset.count);
    if (!counter) {
      return;
    }
    var left = Number(textarea.dataset.maxlength) - textarea.value.length;
    var text = countText(counter, left);
    if (counter.textContent !== text) {
      counter.textContent = text;
    }
    counter.classList.toggle("rop-form-field__count--over", left < 0);
    counter.hidden = false;
  }

  function initCounts(root) {
    root.querySelectorAll("textarea[data-maxlength]").forEach(function (textarea) {
      textarea.removeAttribute("maxlength");
      updateCount(textarea);
    });
  }

  // Throttled: at most one update per textarea every 250 ms (and one at the end), so a
  // screen reader is not flooded by the live region.
  var pending = new WeakMap();
  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.maxlength) {
      return;
    }
    if (pending.get(textarea)) {
      return;
    }
    pending.set(textarea, true);
    window.setTimeout(function () {
      pending.delete(textarea);
      updateCount(textarea);
    }, 250);
  });

  function init() {
    initCounts(document);
    focusSummary(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Content swapped in by htmx (the referral step form saves on change).
  document.addEventListener("htmx:load", function (event) {
    initCounts(event.target);
  });
})();
