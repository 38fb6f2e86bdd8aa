// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/callpanel.h"

#include "inspect/fieldpath.h"
#include "inspect/jsontext.h"
#include "views/jsoneditor.h"
#include "views/payloadview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QElapsedTimer>
#include <QEvent>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStringListModel>
#include <QVBoxLayout>

namespace wb::ui {

namespace {
qint64 nowNs()
{
    static QElapsedTimer t = [] { QElapsedTimer e; e.start(); return e; }();
    return t.nsecsElapsed();
}
QString payloadText(const wamp::List &a, const wamp::Dict &k)
{
    return inspect::toCompactJson(wamp::Value(a)) + QLatin1Char(' ') + inspect::toCompactJson(wamp::Value(k));
}
} // namespace

CallPanel::CallPanel(session::Session *session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_procedure = new QLineEdit(this);
    m_procedure->setPlaceholderText(tr("procedure, e.g. com.example.add"));
    m_known = new QStringListModel(this);
    auto *completer = new QCompleter(m_known, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_procedure->setCompleter(completer);
    m_refreshBtn = new QPushButton(tr("Refresh list"), this);
    m_refreshBtn->setToolTip(tr("Ask the router for its registrations (WAMP meta API)"));
    m_metaLabel = new QLabel(this);
    m_metaLabel->setWordWrap(true);

    m_args = new JsonEditor(JsonEditor::Expect::Array, this);
    m_args->setPlaceholderText(tr("args: a JSON array, e.g. [1, 2]"));
    m_kwargs = new JsonEditor(JsonEditor::Expect::Object, this);
    m_kwargs->setPlaceholderText(tr("kwargs: a JSON object, e.g. {\"mode\": \"fast\"}"));

    m_timeout = new QSpinBox(this);
    m_timeout->setRange(0, 3600000);
    m_timeout->setSuffix(tr(" ms"));
    m_timeout->setSpecialValueText(tr("none"));
    m_progress = new QCheckBox(tr("receive_progress"), this);
    m_progress->setChecked(true);
    m_disclose = new QCheckBox(tr("disclose_me"), this);
    m_extra = new QPlainTextEdit(this);
    m_extra->setPlaceholderText(tr("extra options, one key=value per line (value as JSON or text)"));
    m_extra->setMaximumHeight(60);

    m_callBtn = new QPushButton(tr("&Call"), this);
    m_callBtn->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_cancelBtn = new QPushButton(tr("Cancel"), this);
    m_cancelMode = new QComboBox(this);
    m_cancelMode->addItems({QStringLiteral("skip"), QStringLiteral("kill"), QStringLiteral("killnowait")});
    m_cancelMode->setCurrentText(QStringLiteral("kill"));
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c02020"));
    m_error->setWordWrap(true);
    m_error->hide();

    m_result = new QPlainTextEdit(this);
    m_result->setReadOnly(true);
    m_result->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_result->setMaximumBlockCount(5000);
    m_resultView = new PayloadView(this);
    m_historyList = new QListWidget(this);
    m_rerunBtn = new QPushButton(tr("Re-run"), this);

    auto *procRow = new QHBoxLayout;
    procRow->addWidget(new QLabel(tr("Procedure:"), this));
    procRow->addWidget(m_procedure, 1);
    procRow->addWidget(m_refreshBtn);
    auto *optRow = new QHBoxLayout;
    optRow->addWidget(new QLabel(tr("timeout"), this));
    optRow->addWidget(m_timeout);
    optRow->addWidget(m_progress);
    optRow->addWidget(m_disclose);
    optRow->addStretch(1);
    optRow->addWidget(m_callBtn);
    optRow->addWidget(m_cancelBtn);
    optRow->addWidget(m_cancelMode);
    auto *editors = new QSplitter(Qt::Horizontal, this);
    editors->addWidget(m_args);
    editors->addWidget(m_kwargs);
    auto *histBox = new QGroupBox(tr("History"), this);
    auto *histLay = new QVBoxLayout(histBox);
    histLay->addWidget(m_historyList, 1);
    histLay->addWidget(m_rerunBtn);
    auto *results = new QSplitter(Qt::Horizontal, this);
    results->addWidget(m_result);
    results->addWidget(m_resultView);
    results->addWidget(histBox);
    results->setStretchFactor(0, 2);
    results->setStretchFactor(1, 2);
    results->setStretchFactor(2, 1);

    auto *lay = new QVBoxLayout(this);
    lay->addLayout(procRow);
    lay->addWidget(m_metaLabel);
    lay->addWidget(editors, 1);
    lay->addWidget(m_extra);
    lay->addLayout(optRow);
    lay->addWidget(m_error);
    lay->addWidget(results, 2);

    connect(m_callBtn, &QPushButton::clicked, this, [this] { call(); });
    connect(m_procedure, &QLineEdit::returnPressed, this, [this] { call(); });
    connect(m_cancelBtn, &QPushButton::clicked, this, [this] { cancel(); });
    connect(m_refreshBtn, &QPushButton::clicked, this, &CallPanel::refreshRegistrations);
    m_procedure->installEventFilter(this);
    connect(m_rerunBtn, &QPushButton::clicked, this, [this] { rerun(m_historyList->currentRow()); });
    connect(m_historyList, &QListWidget::itemDoubleClicked, this, [this] { rerun(m_historyList->currentRow()); });
    connect(m_args, &JsonEditor::validityChanged, this, &CallPanel::updateEnabled);
    connect(m_kwargs, &JsonEditor::validityChanged, this, &CallPanel::updateEnabled);
    if (m_session) {
        connect(m_session, &session::Session::stateChanged, this, &CallPanel::updateEnabled);
        connect(m_session, &session::Session::joined, this, &CallPanel::refreshRegistrations);
        if (m_session->isJoined())
            refreshRegistrations();
    }
    setFocusProxy(m_procedure);
    updateEnabled();
}

bool CallPanel::eventFilter(QObject *watched, QEvent *event)
{
    // Registrations change all the time: refresh the completion list when the user comes to type a procedure.
    if (watched == m_procedure && event->type() == QEvent::FocusIn && (!m_lastMetaRefresh.isValid() || m_lastMetaRefresh.elapsed() > 2000))
        refreshRegistrations();
    return QWidget::eventFilter(watched, event);
}

void CallPanel::updateEnabled()
{
    const bool joined = m_session && m_session->isJoined();
    m_callBtn->setEnabled(joined && !isPending() && m_args->isValid() && m_kwargs->isValid());
    m_cancelBtn->setEnabled(joined && isPending());
    m_refreshBtn->setEnabled(joined);
    m_rerunBtn->setEnabled(joined && !isPending() && !m_history.isEmpty());
    if (!joined && isPending())
        m_pendingRequest = 0; // the session failed the request already (kSessionLost)
}

void CallPanel::setError(const QString &e)
{
    m_lastError = e;
    m_error->setText(e);
    m_error->setVisible(!e.isEmpty());
}

void CallPanel::appendResult(const QString &line)
{
    m_result->appendPlainText(line);
}

QString CallPanel::resultText() const
{
    return m_result->toPlainText();
}

void CallPanel::setRequest(const Request &r)
{
    m_procedure->setText(r.procedure);
    m_args->setText(r.argsText);
    m_kwargs->setText(r.kwargsText);
    m_timeout->setValue(r.timeoutMs);
    m_progress->setChecked(r.receiveProgress);
    m_disclose->setChecked(r.discloseMe);
    m_extra->setPlainText(r.extraOptions);
}

CallPanel::Request CallPanel::request() const
{
    Request r;
    r.procedure = m_procedure->text().trimmed();
    r.argsText = m_args->text();
    r.kwargsText = m_kwargs->text();
    r.timeoutMs = m_timeout->value();
    r.receiveProgress = m_progress->isChecked();
    r.discloseMe = m_disclose->isChecked();
    r.extraOptions = m_extra->toPlainText();
    return r;
}

Result<wamp::Dict> CallPanel::parseExtraOptions(const QString &text)
{
    wamp::Dict d;
    int lineNo = 0;
    for (const QString &raw : text.split(QLatin1Char('\n'))) {
        ++lineNo;
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return Result<wamp::Dict>::failure(QStringLiteral("options"), tr("options line %1: expected key=value").arg(lineNo));
        const QString key = line.left(eq).trimmed();
        const QString val = line.mid(eq + 1).trimmed();
        const inspect::JsonParse p = inspect::parseJsonText(val);
        d.insert(key, p.ok ? p.value : wamp::Value(val));
    }
    return d;
}

bool CallPanel::call()
{
    setError({});
    if (!m_session || !m_session->isJoined()) {
        setError(tr("Not joined: connect first."));
        return false;
    }
    if (isPending()) {
        setError(tr("A call is still running: cancel it first."));
        return false;
    }
    const Request r = request();
    if (r.procedure.isEmpty()) {
        setError(tr("Enter a procedure."));
        return false;
    }
    if (!m_args->isValid() || !m_kwargs->isValid()) {
        setError(tr("Fix the JSON first: %1").arg(!m_args->isValid() ? tr("args ") + m_args->errorText() : tr("kwargs ") + m_kwargs->errorText()));
        return false;
    }
    const Result<wamp::Dict> extra = parseExtraOptions(r.extraOptions);
    if (!extra.ok()) {
        setError(extra.errorString());
        return false;
    }
    wamp::Dict opts = *extra;
    if (r.timeoutMs > 0)
        opts.insert(QStringLiteral("timeout"), r.timeoutMs);
    if (r.receiveProgress)
        opts.insert(QStringLiteral("receive_progress"), true);
    if (r.discloseMe)
        opts.insert(QStringLiteral("disclose_me"), true);

    addHistory(r);
    m_progressCount = 0;
    m_lastFailed = false;
    m_lastResult = {};
    m_lastWampError = {};
    m_result->clear();
    appendResult(tr("CALL %1 %2 options %3").arg(r.procedure, payloadText(m_args->value().toList(), m_kwargs->value().toDict()),
                                                 inspect::toCompactJson(wamp::Value(opts))));
    m_startedNs = nowNs();
    QPointer<CallPanel> self(this);
    const auto elapsed = [this] { return QString::number(double(nowNs() - m_startedNs) / 1e6, 'f', 1); };
    m_pendingRequest = m_session->call(
        r.procedure, m_args->value().toList(), m_kwargs->value().toDict(), opts,
        [self, elapsed](const session::CallResult &res) {
            if (!self)
                return;
            self->m_lastResult = res;
            self->m_resultView->setPayload(inspect::payloadRoot(res.args, res.kwargs));
            if (res.progress) {
                ++self->m_progressCount;
                self->appendResult(tr("progress #%1 after %2 ms: %3").arg(self->m_progressCount).arg(elapsed(), payloadText(res.args, res.kwargs)));
                emit self->progressReceived(self->m_progressCount);
                return;
            }
            self->appendResult(tr("RESULT after %1 ms: %2").arg(elapsed(), payloadText(res.args, res.kwargs)));
            self->m_pendingRequest = 0;
            self->updateEnabled();
            emit self->finished(true);
        },
        [self, elapsed](const session::WampError &e) {
            if (!self)
                return;
            self->m_lastFailed = true;
            self->m_lastWampError = e;
            self->m_resultView->setPayload(inspect::payloadRoot(e.args, e.kwargs));
            self->appendResult(tr("ERROR after %1 ms: %2 %3").arg(elapsed(), e.uri, payloadText(e.args, e.kwargs)));
            self->m_pendingRequest = 0;
            self->updateEnabled();
            emit self->finished(false);
        });
    updateEnabled();
    return m_pendingRequest != 0 || m_lastFailed;
}

void CallPanel::cancel(const QString &mode)
{
    if (!isPending() || !m_session)
        return;
    const QString m = mode.isEmpty() ? m_cancelMode->currentText() : mode;
    appendResult(tr("CANCEL (%1)").arg(m));
    m_session->cancel(m_pendingRequest, m);
}

void CallPanel::addHistory(const Request &r)
{
    for (qsizetype i = 0; i < m_history.size(); ++i) {
        const Request &h = m_history.at(i);
        if (h.procedure == r.procedure && h.argsText == r.argsText && h.kwargsText == r.kwargsText && h.extraOptions == r.extraOptions
            && h.timeoutMs == r.timeoutMs && h.receiveProgress == r.receiveProgress && h.discloseMe == r.discloseMe) {
            m_history.removeAt(i);
            delete m_historyList->takeItem(int(i));
            break;
        }
    }
    m_history.prepend(r);
    m_historyList->insertItem(0, QStringLiteral("%1 %2 %3").arg(r.procedure, r.argsText.simplified(), r.kwargsText.simplified()).trimmed());
    while (m_history.size() > kMaxHistory) {
        m_history.removeLast();
        delete m_historyList->takeItem(m_historyList->count() - 1);
    }
    addKnown(r.procedure);
}

bool CallPanel::rerun(int row)
{
    if (row < 0 || row >= m_history.size())
        return false;
    setRequest(m_history.at(row));
    return call();
}

void CallPanel::addKnown(const QString &uri)
{
    QStringList l = m_known->stringList();
    if (l.contains(uri))
        return;
    l.append(uri);
    l.sort();
    m_known->setStringList(l);
}

QStringList CallPanel::knownProcedures() const
{
    return m_known->stringList();
}

QString CallPanel::metaStatus() const
{
    return m_metaStatus;
}

void CallPanel::refreshRegistrations()
{
    if (!m_session || !m_session->isJoined())
        return;
    const int gen = ++m_metaGeneration;
    m_lastMetaRefresh.start();
    QPointer<CallPanel> self(this);
    m_session->call(
        QStringLiteral("wamp.registration.list"), {}, {}, {},
        [self, gen](const session::CallResult &res) {
            if (!self || gen != self->m_metaGeneration)
                return;
            const wamp::Dict lists = res.args.value(0).toDict();
            QList<quint64> ids;
            for (const QString &k : {QStringLiteral("exact"), QStringLiteral("prefix"), QStringLiteral("wildcard")})
                for (const wamp::Value &v : lists.value(k).toList())
                    if (auto id = v.toUInt64())
                        ids.append(*id);
            self->m_metaAvailable = true;
            self->m_metaStatus = tr("%n registration(s) on the router", nullptr, int(ids.size()));
            self->m_metaLabel->setText(self->m_metaStatus);
            if (ids.isEmpty()) {
                emit self->registrationsRefreshed();
                return;
            }
            auto remaining = std::make_shared<int>(int(ids.size()));
            for (quint64 id : ids) {
                self->m_session->call(
                    QStringLiteral("wamp.registration.get"), {id}, {}, {},
                    [self, gen, remaining](const session::CallResult &r) {
                        if (!self || gen != self->m_metaGeneration)
                            return;
                        const QString uri = r.args.value(0).toDict().value(QStringLiteral("uri")).toString();
                        if (!uri.isEmpty())
                            self->addKnown(uri);
                        if (--*remaining == 0)
                            emit self->registrationsRefreshed();
                    },
                    [self, gen, remaining](const session::WampError &) {
                        if (self && gen == self->m_metaGeneration && --*remaining == 0)
                            emit self->registrationsRefreshed();
                    });
            }
        },
        [self, gen](const session::WampError &e) {
            if (!self || gen != self->m_metaGeneration)
                return;
            self->m_metaAvailable = false;
            self->m_metaStatus = tr("The router offers no registration list (%1): completion uses your history.").arg(e.uri);
            self->m_metaLabel->setText(self->m_metaStatus);
            emit self->registrationsRefreshed();
        });
}

} // namespace wb::ui
