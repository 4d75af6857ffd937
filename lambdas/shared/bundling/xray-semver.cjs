// The X-Ray SDK loads all of semver for one check in its AWS SDK v2 patcher
// (captureAWS), which these functions never use: they capture v3 clients.
module.exports = {
  gte() {
    throw new Error('AWS SDK v2 capture is not available in Campus Cloud functions; capture v3 clients.');
  },
};
