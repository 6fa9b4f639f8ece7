import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// The stored theme is already on <html>: public/theme.js applies it before the first paint.

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
target.textContent = '';
export default mount(App, { target });

// Offline: the service worker precaches the build (production only; dev serves fresh files).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: Error) => {
    console.warn(`service worker not registered: ${e.message}`);
  });
}
