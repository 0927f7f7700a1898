// Starts Swagger UI on /docs (a file of our own: the pages allow no inline script).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // the public validator badge would call another site
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
