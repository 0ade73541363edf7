export { default } from './generator.js';
