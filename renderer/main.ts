import { mount } from 'svelte';
import './app.css';
import { getBridge } from './bridge.js';
import { AppShell } from './state/appShell.svelte.js';
import App from './ui/App.svelte';

const shell = new AppShell(getBridge());
const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
mount(App, { target, props: { shell } });
void shell.start();
