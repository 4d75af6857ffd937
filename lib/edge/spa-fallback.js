// CloudFront Function (cloudfront-js-2.0), viewer request of the web app's default behaviour.
// Paths without a file extension are app routes: serve index.html so deep links load the SPA.
// Attached only to the default behaviour, so /api/* responses (404s included) pass through untouched.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var lastSegment = uri.substring(uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
