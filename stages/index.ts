/** The built-in stage kinds; importing this module registers them. */
import './shell.js';
