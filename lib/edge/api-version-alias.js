// CloudFront Function (cloudfront-js-2.0), viewer request of the `/api/*` behaviour.
// The API's routes live under /api/<version>/; the unversioned paths it served before versions
// existed are served as their ALIAS_OF alias: /api/students is answered by /api/v1/students,
// with a request header telling the handler to add the deprecation headers. Routes declared
// outside any version (UNVERSIONED_ROUTES, from the route manifest) pass untouched, and nobody
// but this function sets the header.
var VERSIONED = /^\/api\/v[0-9]+\//;
var UNVERSIONED_ROUTES = /__UNVERSIONED_ROUTES__/;
var ALIAS_OF = '__ALIAS_OF__';
var ALIAS_HEADER = '__ALIAS_HEADER__';

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  delete request.headers[ALIAS_HEADER];
  if (VERSIONED.test(uri) || UNVERSIONED_ROUTES.test(uri)) return request;
  request.uri = '/api/' + ALIAS_OF + uri.substring(4);
  request.headers[ALIAS_HEADER] = { value: 'unversioned' };
  return request;
}
