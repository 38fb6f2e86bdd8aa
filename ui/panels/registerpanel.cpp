// SPDX-License-Identifier: GPL-3.0-or-later
#include "panels/registerpanel.h"

#include "inspect/jsontext.h"
#include "views/jsoneditor.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wb::ui {

using mock::MockResponder;
using mock::MockSpec;

RegisterPanel::RegisterPanel(session::Session *session, QWidget *parent) : QWidget(parent), m_session(session)
{
    m_list = new QListWidget(this);
    m_list->setToolTip(tr("Tick a mock to register it, untick to unregister"));
    m_addBtn = new QPushButton(tr("&Add mock"), this);
    m_removeBtn = new QPushButton(tr("Remove"), this);

    m_procedure = new QLineEdit(this);
    m_procedure->setPlaceholderText(tr("procedure, e.g. com.example.add"));
    m_match = new QComboBox(this);
    m_match->addItems({QStringLiteral("exact"), QStringLiteral("prefix"), QStringLiteral("wildcard")});
    m_invoke = new QComboBox(this);
    m_invoke->addItems({QStringLiteral("single"), QStringLiteral("roundrobin"), QStringLiteral("random"), QStringLiteral("first"), QStringLiteral("last")});
    m_mode = new QComboBox(this);
    for (MockSpec::Mode m : {MockSpec::Mode::Static, MockSpec::Mode::Echo, MockSpec::Mode::Error, MockSpec::Mode::Template, MockSpec::Mode::Progressive})
        m_mode->addItem(MockSpec::modeName(m), int(m));
    m_delay = new QSpinBox(this);
    m_delay->setRange(0, 3600000);
    m_delay->setSuffix(tr(" ms"));
    m_args = new JsonEditor(JsonEditor::Expect::Array, this);
    m_args->setPlaceholderText(tr("result args, e.g. [42]"));
    m_kwargs = new JsonEditor(JsonEditor::Expect::Object, this);
    m_kwargs->setPlaceholderText(tr("result kwargs, e.g. {\"ok\": true}"));
    m_errorUri = new QLineEdit(this);
    m_errorArgs = new JsonEditor(JsonEditor::Expect::Array, this);
    m_errorArgs->setPlaceholderText(tr("error args"));
    m_errorKwargs = new JsonEditor(JsonEditor::Expect::Object, this);
    m_errorKwargs->setPlaceholderText(tr("error kwargs"));
    m_progressive = new JsonEditor(JsonEditor::Expect::Array, this);
    m_progressive->setPlaceholderText(tr("progressive results, e.g. [[1], [2], {\"args\": [3], \"kwargs\": {}}]"));
    m_modeHelp = new QLabel(this);
    m_modeHelp->setWordWrap(true);
    m_applyBtn = new QPushButton(tr("Apply"), this);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("color: #c02020"));
    m_error->setWordWrap(true);
    m_error->hide();

    // result page (static / template / progressive final), error page, echo page
    auto *resultPage = new QWidget(this);
    auto *rl = new QVBoxLayout(resultPage);
    rl->setContentsMargins(0, 0, 0, 0);
    rl->addWidget(m_progressive);
    auto *rEd = new QSplitter(Qt::Horizontal, resultPage);
    rEd->addWidget(m_args);
    rEd->addWidget(m_kwargs);
    rl->addWidget(rEd, 1);
    auto *errorPage = new QWidget(this);
    auto *el = new QFormLayout(errorPage);
    el->addRow(tr("Error URI"), m_errorUri);
    el->addRow(tr("args"), m_errorArgs);
    el->addRow(tr("kwargs"), m_errorKwargs);
    auto *echoPage = new QLabel(tr("Replies with the caller's own args and kwargs."), this);
    m_modeStack = new QStackedWidget(this);
    m_modeStack->addWidget(resultPage);
    m_modeStack->addWidget(errorPage);
    m_modeStack->addWidget(echoPage);

    auto *editor = new QGroupBox(tr("Mock"), this);
    auto *form = new QFormLayout(editor);
    form->addRow(tr("Procedure"), m_procedure);
    auto *policies = new QHBoxLayout;
    policies->addWidget(new QLabel(tr("match"), this));
    policies->addWidget(m_match);
    policies->addWidget(new QLabel(tr("invoke"), this));
    policies->addWidget(m_invoke);
    policies->addWidget(new QLabel(tr("delay"), this));
    policies->addWidget(m_delay);
    policies->addStretch(1);
    form->addRow(policies);
    form->addRow(tr("Response"), m_mode);
    form->addRow(m_modeHelp);
    form->addRow(m_modeStack);
    auto *applyRow = new QHBoxLayout;
    applyRow->addWidget(m_error, 1);
    applyRow->addWidget(m_applyBtn);
    form->addRow(applyRow);

    auto *listBox = new QGroupBox(tr("Mock procedures"), this);
    auto *ll = new QVBoxLayout(listBox);
    ll->addWidget(m_list, 1);
    auto *lb = new QHBoxLayout;
    lb->addWidget(m_addBtn);
    lb->addWidget(m_removeBtn);
    ll->addLayout(lb);

    m_log = new QTreeWidget(this);
    m_log->setRootIsDecorated(false);
    m_log->setUniformRowHeights(true);
    m_log->setHeaderLabels({tr("Time"), tr("Procedure"), tr("Caller"), tr("Args"), tr("Kwargs"), tr("Reply")});
    m_log->header()->setStretchLastSection(true);
    m_log->setColumnWidth(0, 95);
    m_log->setColumnWidth(1, 170);
    m_log->setColumnWidth(2, 130);
    m_log->setColumnWidth(3, 160);
    m_log->setColumnWidth(4, 200);
    auto *logBox = new QGroupBox(tr("Invocations"), this);
    (new QVBoxLayout(logBox))->addWidget(m_log);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(listBox);
    top->addWidget(editor);
    top->setStretchFactor(1, 3);
    auto *main = new QSplitter(Qt::Vertical, this);
    main->addWidget(top);
    main->addWidget(logBox);
    (new QVBoxLayout(this))->addWidget(main);

    connect(m_addBtn, &QPushButton::clicked, this, [this] {
        MockSpec spec;
        spec.procedure = QStringLiteral("com.example.mock%1").arg(m_mocks.size() + 1);
        spec.argsJson = QStringLiteral("[42]");
        addMock(spec);
    });
    connect(m_removeBtn, &QPushButton::clicked, this, [this] { removeMock(m_list->currentRow()); });
    connect(m_applyBtn, &QPushButton::clicked, this, [this] { applyEditor(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, &RegisterPanel::onModeChanged);
    connect(m_list, &QListWidget::currentRowChanged, this, &RegisterPanel::selectMock);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        if (m_syncing)
            return;
        const int row = m_list->row(item);
        setMockEnabled(row, item->checkState() == Qt::Checked);
    });
    if (m_session) {
        connect(m_session, &session::Session::stateChanged, this, &RegisterPanel::updateEnabled);
        // The router forgets registrations with the session: re-register the enabled mocks after a reconnect.
        // (Connected before any MockResponder, so this runs while they still report their state.)
        connect(m_session, &session::Session::left, this, [this] {
            m_reenable.clear();
            for (MockResponder *m : std::as_const(m_mocks))
                if (m->state() == MockResponder::State::Registered || m->state() == MockResponder::State::Registering)
                    m_reenable.append(m);
        });
        connect(m_session, &session::Session::joined, this, [this] {
            const QList<MockResponder *> again = m_reenable;
            m_reenable.clear();
            for (MockResponder *m : again)
                if (m_mocks.contains(m))
                    m->enable();
        });
    }
    setFocusProxy(m_list);
    onModeChanged();
    updateEnabled();
}

RegisterPanel::~RegisterPanel()
{
    qDeleteAll(m_mocks); // unregisters and answers pending invocations
}

void RegisterPanel::setError(const QString &e)
{
    m_lastError = e;
    m_error->setText(e);
    m_error->setVisible(!e.isEmpty());
}

void RegisterPanel::updateEnabled()
{
    const bool joined = m_session && m_session->isJoined();
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *it = m_list->item(i);
        m_syncing = true;
        it->setFlags(joined ? (it->flags() | Qt::ItemIsUserCheckable) : (it->flags() & ~Qt::ItemIsUserCheckable));
        m_syncing = false;
        updateItem(i);
    }
    m_removeBtn->setEnabled(m_list->currentRow() >= 0);
    m_applyBtn->setEnabled(m_list->currentRow() >= 0);
}

void RegisterPanel::onModeChanged()
{
    const auto mode = MockSpec::Mode(m_mode->currentData().toInt());
    m_args->setValidationEnabled(mode != MockSpec::Mode::Template);
    m_kwargs->setValidationEnabled(mode != MockSpec::Mode::Template);
    m_progressive->setVisible(mode == MockSpec::Mode::Progressive);
    m_modeStack->setCurrentIndex(mode == MockSpec::Mode::Error ? 1 : mode == MockSpec::Mode::Echo ? 2 : 0);
    switch (mode) {
    case MockSpec::Mode::Static: m_modeHelp->setText(tr("Replies with this result.")); break;
    case MockSpec::Mode::Echo: m_modeHelp->setText(tr("Replies with the caller's arguments.")); break;
    case MockSpec::Mode::Error: m_modeHelp->setText(tr("Replies with this error.")); break;
    case MockSpec::Mode::Template:
        m_modeHelp->setText(tr("JSON with placeholders over the call: {{args[0]}}, {{kwargs.name}}, {{details.caller}}. "
                               "\"{{args[0]}}\" keeps the value's type; inside longer strings it becomes text."));
        break;
    case MockSpec::Mode::Progressive:
        m_modeHelp->setText(tr("Sends each progressive result (one per delay), then the final result below."));
        break;
    }
}

int RegisterPanel::addMock(const MockSpec &spec)
{
    auto *m = new MockResponder(m_session, spec, nullptr);
    m_mocks.append(m);
    const int row = int(m_mocks.size()) - 1;
    connect(m, &MockResponder::stateChanged, this, [this, m] {
        const int r = int(m_mocks.indexOf(m));
        if (r >= 0)
            updateItem(r);
        if (m->state() == MockResponder::State::Failed)
            setError(tr("%1: %2").arg(m->spec().procedure, m->lastError()));
    });
    connect(m, &MockResponder::invocationLogged, this, [this, m](int i) { logInvocation(m, i, false); });
    connect(m, &MockResponder::invocationUpdated, this, [this, m](int i) { logInvocation(m, i, true); });
    m_syncing = true;
    auto *item = new QListWidgetItem(m_list);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Unchecked);
    m_syncing = false;
    updateItem(row);
    m_list->setCurrentRow(row);
    updateEnabled();
    return row;
}

void RegisterPanel::removeMock(int row)
{
    if (row < 0 || row >= m_mocks.size())
        return;
    MockResponder *m = m_mocks.takeAt(row);
    m_reenable.removeAll(m);
    for (auto it = m_logItems.begin(); it != m_logItems.end();)
        it = it.key().first == m ? m_logItems.erase(it) : std::next(it);
    delete m;
    delete m_list->takeItem(row);
    updateEnabled();
}

MockResponder *RegisterPanel::mock(int row) const
{
    return row >= 0 && row < m_mocks.size() ? m_mocks.at(row) : nullptr;
}

void RegisterPanel::updateItem(int row)
{
    MockResponder *m = mock(row);
    QListWidgetItem *it = m_list->item(row);
    if (!m || !it)
        return;
    QString state;
    switch (m->state()) {
    case MockResponder::State::Disabled: state = tr("off"); break;
    case MockResponder::State::Registering: state = tr("registering…"); break;
    case MockResponder::State::Registered: state = tr("registered"); break;
    case MockResponder::State::Unregistering: state = tr("unregistering…"); break;
    case MockResponder::State::Failed: state = tr("failed"); break;
    }
    m_syncing = true;
    it->setText(QStringLiteral("%1  [%2, %3]  — %4").arg(m->spec().procedure, MockSpec::modeName(m->spec().mode), m->spec().match, state));
    it->setToolTip(m->lastError());
    const bool on = m->state() == MockResponder::State::Registered || m->state() == MockResponder::State::Registering;
    it->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    m_syncing = false;
}

void RegisterPanel::setMockEnabled(int row, bool on)
{
    MockResponder *m = mock(row);
    if (!m)
        return;
    setError({});
    if (on)
        m->enable();
    else
        m->disable();
    updateItem(row);
}

void RegisterPanel::selectMock(int row)
{
    if (m_list->currentRow() != row)
        m_list->setCurrentRow(row);
    if (MockResponder *m = mock(row))
        setEditorSpec(m->spec());
    updateEnabled();
}

void RegisterPanel::setEditorSpec(const MockSpec &spec)
{
    m_procedure->setText(spec.procedure);
    m_match->setCurrentText(spec.match);
    m_invoke->setCurrentText(spec.invoke);
    m_mode->setCurrentIndex(m_mode->findData(int(spec.mode)));
    m_args->setText(spec.argsJson);
    m_kwargs->setText(spec.kwargsJson);
    m_errorUri->setText(spec.errorUri);
    m_errorArgs->setText(spec.errorArgsJson);
    m_errorKwargs->setText(spec.errorKwargsJson);
    m_progressive->setText(spec.progressiveJson);
    m_delay->setValue(spec.delayMs);
    onModeChanged();
}

MockSpec RegisterPanel::editorSpec() const
{
    MockSpec s;
    s.procedure = m_procedure->text().trimmed();
    s.match = m_match->currentText();
    s.invoke = m_invoke->currentText();
    s.mode = MockSpec::Mode(m_mode->currentData().toInt());
    s.argsJson = m_args->text();
    s.kwargsJson = m_kwargs->text();
    s.errorUri = m_errorUri->text().trimmed();
    s.errorArgsJson = m_errorArgs->text();
    s.errorKwargsJson = m_errorKwargs->text();
    s.progressiveJson = m_progressive->text();
    s.delayMs = m_delay->value();
    return s;
}

bool RegisterPanel::applyEditor()
{
    MockResponder *m = mock(m_list->currentRow());
    if (!m)
        return false;
    const Status st = m->setSpec(editorSpec());
    if (!st.ok()) {
        setError(st.errorString());
        return false;
    }
    setError({});
    updateItem(m_list->currentRow());
    return true;
}

void RegisterPanel::logInvocation(MockResponder *m, int index, bool update)
{
    if (index < 0 || index >= m->log().size())
        return;
    const mock::InvocationRecord &r = m->log().at(index);
    const auto key = qMakePair(m, r.requestId);
    QTreeWidgetItem *item = m_logItems.value(key);
    if (!item) {
        if (update)
            return;
        item = new QTreeWidgetItem;
        m_log->addTopLevelItem(item);
        m_logItems.insert(key, item);
        while (m_log->topLevelItemCount() > kMaxLogRows) {
            QTreeWidgetItem *old = m_log->takeTopLevelItem(0);
            for (auto it = m_logItems.begin(); it != m_logItems.end(); ++it)
                if (it.value() == old) {
                    m_logItems.erase(it);
                    break;
                }
            delete old;
        }
        m_log->scrollToItem(item);
    }
    item->setText(0, QDateTime::fromMSecsSinceEpoch(r.timeMs).toString(QStringLiteral("HH:mm:ss.zzz")));
    item->setText(1, r.procedure);
    item->setText(2, r.caller ? QString::number(r.caller) : QString());
    item->setText(3, inspect::toCompactJson(wamp::Value(r.args)));
    item->setText(4, inspect::toCompactJson(wamp::Value(r.kwargs)));
    item->setText(5, r.reply);
    item->setForeground(5, r.error ? QBrush(QColor(0xc0, 0x20, 0x20)) : QBrush());
}

int RegisterPanel::invocationLogCount() const
{
    return m_log->topLevelItemCount();
}

QString RegisterPanel::invocationLogText(int row, int column) const
{
    QTreeWidgetItem *it = m_log->topLevelItem(row);
    return it ? it->text(column) : QString();
}

} // namespace wb::ui
