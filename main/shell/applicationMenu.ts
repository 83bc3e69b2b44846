/**
 * The application menu. Electron installs a default one when the app sets none: on Windows
 * and Linux it sits in the 420-pixel window with View → Reload and Toggle Developer Tools,
 * which a phone must not offer (a reload drops the call). So there is none there. macOS
 * needs a menu bar for the app's own menu and for Edit, without which Cmd+C / Cmd+V do not
 * reach text fields; it gets exactly those, plus the Window menu's minimise and close.
 */

/** The subset of Electron's MenuItemConstructorOptions used here (roles only). */
export interface MenuItemTemplate {
  role?:
    | 'appMenu'
    | 'editMenu'
    | 'windowMenu'
    | 'about'
    | 'hide'
    | 'hideOthers'
    | 'unhide'
    | 'quit'
    | 'undo'
    | 'redo'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'pasteAndMatchStyle'
    | 'delete'
    | 'selectAll'
    | 'minimize'
    | 'close';
  type?: 'separator';
  label?: string;
  submenu?: MenuItemTemplate[];
}

/** The menu to install, or null for no menu at all (Menu.setApplicationMenu(null)). */
export function applicationMenuTemplate(platform: string, appName: string): MenuItemTemplate[] | null {
  if (platform !== 'darwin') return null;
  return [
    {
      label: appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'pasteAndMatchStyle' },
        { role: 'delete' },
        { role: 'selectAll' },
      ],
    },
    { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
  ];
}

function roles(items: readonly MenuItemTemplate[]): string[] {
  return items.flatMap((item) => [...(item.role === undefined ? [] : [item.role]), ...roles(item.submenu ?? [])]);
}

/** Every role anywhere in a template: what the person can reach from the menu bar. */
export function menuRoles(template: readonly MenuItemTemplate[] | null): string[] {
  return template === null ? [] : roles(template);
}
