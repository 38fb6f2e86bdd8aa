// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Call panel: procedure (completion from the router's registrations via the meta API
// wamp.registration.list/get when offered, otherwise from history), args/kwargs JSON editors, options
// (timeout, receive_progress, disclose_me, any extra key=value), result or error, progressive results as
// they arrive, cancel with mode, and a bounded call history with re-run.

#include "session/session.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStringListModel;

namespace wb::ui {

class JsonEditor;
class PayloadView;

class CallPanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallPanel)
public:
    static constexpr int kMaxHistory = 100;

    struct Request
    {
        QString procedure;
        QString argsText;
        QString kwargsText;
        int timeoutMs = 0;
        bool receiveProgress = true;
        bool discloseMe = false;
        QString extraOptions; ///< "key=value" lines
    };

    explicit CallPanel(session::Session *session, QWidget *parent = nullptr);

    void setRequest(const Request &r);
    Request request() const;
    /// Validate and send the CALL; false (with lastError()) on invalid input or when not joined.
    bool call();
    void cancel(const QString &mode = {});
    bool isPending() const { return m_pendingRequest != 0; }

    /// Ask the router for its registrations (meta API) to fill the completion list.
    void refreshRegistrations();
    bool metaAvailable() const { return m_metaAvailable; }
    QStringList knownProcedures() const;
    QString metaStatus() const;

    int historyCount() const { return int(m_history.size()); }
    /// Load history entry \a row (0 = newest) and call again.
    bool rerun(int row);

    int progressCount() const { return m_progressCount; }
    bool lastCallFailed() const { return m_lastFailed; }
    session::CallResult lastResult() const { return m_lastResult; }
    session::WampError lastWampError() const { return m_lastWampError; }
    QString resultText() const;
    QString lastError() const { return m_lastError; }
    QPushButton *callButton() const { return m_callBtn; }
    QPushButton *cancelButton() const { return m_cancelBtn; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    void finished(bool ok);
    void progressReceived(int count);
    void registrationsRefreshed();

private:
    void updateEnabled();
    void setError(const QString &e);
    void appendResult(const QString &line);
    void addHistory(const Request &r);
    void addKnown(const QString &uri);
    static Result<wamp::Dict> parseExtraOptions(const QString &text);

    QPointer<session::Session> m_session;
    QLineEdit *m_procedure;
    QStringListModel *m_known;
    QPushButton *m_refreshBtn;
    QLabel *m_metaLabel;
    JsonEditor *m_args;
    JsonEditor *m_kwargs;
    QSpinBox *m_timeout;
    QCheckBox *m_progress;
    QCheckBox *m_disclose;
    QPlainTextEdit *m_extra;
    QPushButton *m_callBtn;
    QPushButton *m_cancelBtn;
    QComboBox *m_cancelMode;
    QLabel *m_error;
    QPlainTextEdit *m_result;
    PayloadView *m_resultView;
    QListWidget *m_historyList;
    QPushButton *m_rerunBtn;

    QList<Request> m_history; ///< newest first
    quint64 m_pendingRequest = 0;
    qint64 m_startedNs = 0;
    int m_progressCount = 0;
    bool m_lastFailed = false;
    session::CallResult m_lastResult;
    session::WampError m_lastWampError;
    QString m_lastError;
    bool m_metaAvailable = false;
    QString m_metaStatus;
    int m_metaGeneration = 0;
    QElapsedTimer m_lastMetaRefresh;
};

} // namespace wb::ui
