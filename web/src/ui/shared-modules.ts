/**
 * Imported by ui/page.tsx, which the app and every screen use. Every module listed here is
 * then reached from the app and from every screen alike, so esbuild puts them together in one
 * chunk that the first page load fetches. Otherwise it makes a chunk for each combination of
 * screens sharing a module: more files on the first load than a browser fetches at once over
 * HTTP/1.1, and a second round trip when a screen's chunk needs one the app has not loaded.
 */
import '../api/client';
import '../api/lookups';
import '../app-context';
import '../format';
import '../grading';
import '../i18n/i18n';
import '../offline/sync-status';
import '../router';
import './charts';
import './feedback';
import './forms';
import './table';
