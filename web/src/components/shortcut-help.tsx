import { useI18n, type MessageKey } from '../i18n/i18n';
import { Modal } from './common/modal';

const SHORTCUTS: Array<[string[], MessageKey]> = [
  [['j'], 'shortcuts.next'],
  [['k'], 'shortcuts.previous'],
  [['r'], 'shortcuts.reply'],
  [['n'], 'shortcuts.note'],
  [['Ctrl', 'Enter'], 'shortcuts.send'],
  [['Esc'], 'shortcuts.escape'],
  [['?'], 'shortcuts.help'],
];

export function ShortcutHelp({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  return (
    <Modal title={t('shortcuts.title')} onClose={onClose} testId="shortcut-help">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, label]) => (
            <tr key={label}>
              <td>{keys.map((k, i) => <span key={k}>{i > 0 && ' + '}<kbd>{k}</kbd></span>)}</td>
              <td>{t(label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('shortcuts.macNote')}</p>
    </Modal>
  );
}
