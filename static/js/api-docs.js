// Renders /api/v1/openapi.json with the vendored Swagger UI (static/vendor/swagger-ui).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
    // Requests from this page carry the token from "Authorize", never the page's cookie.
    requestInterceptor: function (request) {
      request.credentials = "omit";
      return request;
    },
  });
})();
