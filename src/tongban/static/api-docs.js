// The API docs page: Swagger UI served from this site (no CDN), started from this file
// because the Content-Security-Policy allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  // validatorUrl null: the badge would ask validator.swagger.io, another site
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    validatorUrl: null,
  });
});
