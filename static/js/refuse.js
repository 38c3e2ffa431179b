// The refuse form of an offer (templates/placement/offer_detail.html): the question which
// expertise or risk flag of the VA made the provider refuse applies to some reasons only
// (data-concerns-for). Shown for those, hidden (and its boxes cleared) for the others.
// Without JavaScript the question stays visible; its hint names the reasons and the server
// refuses an answer to it with another reason.
(function () {
  "use strict";
  var block = document.querySelector("[data-concerns-for]");
  var select = document.querySelector("select[name='reason']");
  if (!block || !select) {
    return;
  }
  var reasons = block.getAttribute("data-concerns-for").split(" ");

  function update() {
    var applies = reasons.indexOf(select.value) !== -1;
    block.hidden = !applies;
    if (!applies) {
      block.querySelectorAll("input[type='checkbox']").forEach(function (box) {
        box.checked = false;
      });
    }
  }

  select.addEventListener("change", update);
  update();
})();
