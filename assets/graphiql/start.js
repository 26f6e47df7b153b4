// Starts GraphiQL on the page that conversations-graph serves at GET /graphql
// (src/http/graphiql.rs). Everything it needs comes from this server: React, ReactDOM and
// GraphiQL are loaded before it, and the page's JSON block says the endpoint and, when the
// server runs on demo data, the default headers (the demo bearer token).
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var headers = config.headers ? JSON.stringify(config.headers, null, 2) : undefined;

  var send = GraphiQL.createFetcher({
    url: new URL(config.endpoint, window.location.href).toString(),
  });
  // GraphiQL 4 fetches the schema as soon as it mounts, before its headers editor exists,
  // so that first introspection goes without the editor's headers (and would be refused).
  // An introspection sent without headers gets this server's default headers; everything
  // else goes with exactly the headers in the editor.
  var fetcher = function (params, options) {
    var introspection = params.operationName === "IntrospectionQuery";
    if (config.headers && introspection && !(options && options.headers)) {
      options = Object.assign({}, options, { headers: config.headers });
    }
    return send(params, options);
  };

  // GraphiQL stores its tabs without their headers and shows `defaultHeaders` in the
  // headers editor on the first visit, after a reload and in every new tab.
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: headers,
      defaultEditorToolsVisibility: headers ? "headers" : false,
    })
  );
})();
