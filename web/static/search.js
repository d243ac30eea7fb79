// Carnet's search box: fills the <datalist> of every search field with titles as one
// types (GET /api/v1/suggest). Without this script the search box works the same,
// without suggestions.
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[list][data-suggest]");
  Array.prototype.forEach.call(fields, function (field) {
    var list = document.getElementById(field.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var asked = "";
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var typed = field.value.trim();
        if (typed === asked) return;
        asked = typed;
        if (typed.length < 2) {
          list.textContent = "";
          return;
        }
        fetch("/api/v1/suggest?q=" + encodeURIComponent(typed), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { titles: [] };
          })
          .then(function (body) {
            if (typed !== asked) return;
            list.textContent = "";
            body.titles.forEach(function (entry) {
              var option = document.createElement("option");
              option.value = entry.title;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  });
})();
