/** The version-0 peer's page: `window.peer` is a VersionZeroPeer. */
import { VersionZeroPeer } from '../versionZeroPeer.js';

window.peer = new VersionZeroPeer();
