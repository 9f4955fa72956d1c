// Rule editor: for each condition row, offer only the operators the chosen fact takes, say what its
// value looks like, and leave the value empty where the operator needs none (is yes / is no).
// The server checks everything again; this only spares a round trip. No inline handlers.
(function () {
  "use strict";
  var data = document.getElementById("rule-facts");
  if (!data) { return; }
  var facts = {};
  JSON.parse(data.textContent).forEach(function (fact) { facts[fact.name] = fact; });

  function refresh(row) {
    var fact = facts[row.querySelector("select[name^=fact_]").value];
    var operator = row.querySelector("select[name^=operator_]");
    var value = row.querySelector("input[name^=value_]");
    var hint = row.querySelector(".condition-hint");
    var allowed = fact ? fact.operators.map(function (op) { return op.code; }) : null;
    Array.prototype.forEach.call(operator.options, function (option) {
      option.hidden = Boolean(option.value && allowed && allowed.indexOf(option.value) < 0);
    });
    if (allowed && operator.value && allowed.indexOf(operator.value) < 0) { operator.value = ""; }
    var noValue = operator.value === "is_true" || operator.value === "is_false";
    value.disabled = noValue;
    if (noValue) { value.value = ""; }
    var text = "";
    if (fact && !noValue) {
      if (fact.choices.length) {
        text = fact.choices.map(function (c) { return c.value + "（" + c.label + "）"; }).join("、");
      } else if (fact.unit) {
        text = fact.unit;
      }
    }
    hint.textContent = text;
  }

  document.querySelectorAll(".condition-row").forEach(function (row) {
    refresh(row);
    row.addEventListener("change", function () { refresh(row); });
  });
})();
