// Starts GraphiQL on the page that conversations-graph serves at GET /graphql
// (src/http/graphiql.rs). Everything it needs comes from this server: React, ReactDOM and
// GraphiQL are loaded before it, and the page's JSON block says the endpoint and, when the
// server runs on demo data, the default headers (the demo bearer token).
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var headers = config.headers ? JSON.stringify(config.headers, null, 2) : undefined;

  var endpoint = new URL(config.endpoint, window.location.href);
  var send = GraphiQL.createFetcher({ url: endpoint.toString() });

  // Subscriptions go over a WebSocket to the same endpoint (graphql-transport-ws), one
  // socket per subscription, with the editor's headers as `connection_init`'s payload
  // (where this server reads the token). Results arrive as an async iterable.
  var socketUrl = new URL(endpoint.toString());
  socketUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";
  var isSubscription = function (params) {
    var source = params.query.replace(/#[^\n]*/g, "");
    var pattern = params.operationName
      ? new RegExp("\\bsubscription\\s+" + params.operationName + "\\b")
      : /^\s*subscription\b/;
    return pattern.test(source);
  };
  var subscribe = function (params, headers) {
    var queue = [];
    var waiting = null;
    var done = false;
    var push = function (item) {
      if (waiting) {
        var resolve = waiting;
        waiting = null;
        resolve(item);
      } else {
        queue.push(item);
      }
    };
    var finish = function (error) {
      if (done) return;
      done = true;
      if (error) push({ value: { errors: [{ message: error }] }, done: false });
      push({ value: undefined, done: true });
    };
    var socket = new WebSocket(socketUrl.toString(), "graphql-transport-ws");
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "connection_init", payload: headers || {} }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: params }));
      } else if (message.type === "next") {
        push({ value: message.payload, done: false });
      } else if (message.type === "error") {
        push({ value: { errors: message.payload }, done: false });
        finish();
      } else if (message.type === "complete") {
        finish();
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      }
    };
    socket.onclose = function (event) {
      finish(event.code === 1000 ? null : "the socket closed: " + event.code + " " + event.reason);
    };
    var iterator = {
      next: function () {
        if (queue.length) return Promise.resolve(queue.shift());
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise(function (resolve) { waiting = resolve; });
      },
      return: function () {
        done = true;
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ id: "1", type: "complete" }));
          socket.close(1000);
        }
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    iterator[Symbol.asyncIterator] = function () { return iterator; };
    return iterator;
  };
  // GraphiQL 4 fetches the schema as soon as it mounts, before its headers editor exists,
  // so that first introspection goes without the editor's headers (and would be refused).
  // An introspection sent without headers gets this server's default headers; everything
  // else goes with exactly the headers in the editor.
  var fetcher = function (params, options) {
    var introspection = params.operationName === "IntrospectionQuery";
    if (config.headers && introspection && !(options && options.headers)) {
      options = Object.assign({}, options, { headers: config.headers });
    }
    if (isSubscription(params)) {
      return subscribe(params, options && options.headers);
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
