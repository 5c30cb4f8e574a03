/** The built-in stage kinds; importing this module registers them. */
import './shell.js';
import './train.js';
import './tune.js';
import './evaluate.js';
