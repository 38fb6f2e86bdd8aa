// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Register panel: mock procedures. Each mock (core/mock MockResponder) has a procedure, match and invoke
// policy, a response mode (static, echo, error, template over the call's arguments, progressive sequence)
// and a delay; a checkbox enables/disables it (register/unregister). The invocation log shows every
// caller's arguments and the reply sent (bounded).

#include "mock/mockresponder.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace wb::ui {

class JsonEditor;

class RegisterPanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegisterPanel)
public:
    static constexpr int kMaxLogRows = 2000;

    explicit RegisterPanel(session::Session *session, QWidget *parent = nullptr);
    ~RegisterPanel() override;

    /// Add a mock (not yet enabled) and select it; returns its row.
    int addMock(const mock::MockSpec &spec);
    void removeMock(int row);
    int mockCount() const { return int(m_mocks.size()); }
    mock::MockResponder *mock(int row) const;
    /// Enable (register) or disable (unregister) the mock at \a row, like its checkbox.
    void setMockEnabled(int row, bool on);
    /// Apply the editor to the selected mock; false with lastError() on invalid input.
    bool applyEditor();
    void selectMock(int row);
    /// Fill the editor from a spec (for tests and "new mock" defaults).
    void setEditorSpec(const mock::MockSpec &spec);
    mock::MockSpec editorSpec() const;

    int invocationLogCount() const;
    /// Columns: time, procedure, caller, args, kwargs, reply.
    QString invocationLogText(int row, int column) const;
    QString lastError() const { return m_lastError; }
    QPushButton *addButton() const { return m_addBtn; }

private:
    void onModeChanged();
    void updateItem(int row);
    void updateEnabled();
    void logInvocation(mock::MockResponder *m, int index, bool update);
    void setError(const QString &e);

    QPointer<session::Session> m_session;
    QListWidget *m_list;
    QPushButton *m_addBtn;
    QPushButton *m_removeBtn;
    QLineEdit *m_procedure;
    QComboBox *m_match;
    QComboBox *m_invoke;
    QComboBox *m_mode;
    JsonEditor *m_args;
    JsonEditor *m_kwargs;
    QLineEdit *m_errorUri;
    JsonEditor *m_errorArgs;
    JsonEditor *m_errorKwargs;
    JsonEditor *m_progressive;
    QSpinBox *m_delay;
    QStackedWidget *m_modeStack;
    QLabel *m_modeHelp;
    QPushButton *m_applyBtn;
    QLabel *m_error;
    QTreeWidget *m_log;

    QList<mock::MockResponder *> m_mocks;
    QList<mock::MockResponder *> m_reenable; ///< enabled when the session left: re-registered on the next join
    QHash<QPair<mock::MockResponder *, quint64>, QTreeWidgetItem *> m_logItems;
    QString m_lastError;
    bool m_syncing = false;
};

} // namespace wb::ui
