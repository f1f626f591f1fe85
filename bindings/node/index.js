'use strict';
// OpenLex for Node.js: the vendor's API (@cryptlex/lexactivator) over the OpenLex library.
// Port an app by changing the require: require('@cryptlex/lexactivator') -> require('openlex-lexactivator').

const api = require('./lib/lexactivator');
const native = require('./lib/native');

module.exports = {
  ...api,
  /** The library file this package loaded (see README for the lookup order). */
  libraryPath: native.libraryPath,
};
