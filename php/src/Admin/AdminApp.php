<?php

declare(strict_types=1);

namespace Cashback\Admin;

use Cashback\Settings;

/**
 * The standalone admin page under /admin/: sign-in, the sync monitor and
 * sign-out. Routing and the session live here; the views render plain data.
 *
 *   GET  /admin/           the sync monitor (signed in) or a redirect to the form
 *   GET  /admin/login      the sign-in form
 *   POST /admin/login      password check, throttled per client address
 *   POST /admin/logout     sign-out
 *   GET  /admin/admin.css  the stylesheet (served here so it works under any front controller)
 */
final class AdminApp
{
    private const STYLESHEET = __DIR__ . '/../../public/admin.css';

    private readonly Labels $labels;
    private readonly Pages $pages;
    private readonly PasswordGate $gate;

    public function __construct(
        private readonly Settings $settings,
        private readonly string $basePath = '/admin',
        ?Labels $labels = null,
    ) {
        $this->labels = $labels ?? new Labels();
        $this->pages = new Pages($this->labels, $basePath, $settings->string('timezone'), $this->silenceHours());
        $this->gate = new PasswordGate($settings->string('admin_password_hash'));
    }

    public function run(): void
    {
        $this->handle(AdminRequest::fromGlobals())->send();
    }

    public function handle(AdminRequest $request): AdminResponse
    {
        $instance = $this->instance();
        $session = new AdminSession($this->basePath, $request->https, $instance, $this->gate->fingerprint($instance));
        try {
            return $this->route($request, $session);
        } catch (\CashbackException $e) {
            // Only database faults get here (a refused filter is shown on the page).
            error_log('cashback admin: ' . $e->getErrorCode() . ': ' . $e->getMessage());
            return AdminResponse::html(503, $this->pages->error->render('error_database'), [
                'Retry-After' => (string) $this->settings->int('retry_after_seconds'),
            ]);
        } catch (\Throwable $e) {
            error_log('cashback admin: ' . $e::class . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine());
            return AdminResponse::html(500, $this->pages->error->render('error_internal'));
        } finally {
            $session->close();
        }
    }

    private function route(AdminRequest $request, AdminSession $session): AdminResponse
    {
        $path = $request->path;
        $base = $this->basePath;
        return match (true) {
            $path === $base => AdminResponse::redirect($base . '/'),
            $path === $base . '/' => $this->only('GET', $request, fn () => $this->dashboard($request, $session)),
            $path === $base . '/login' => match ($request->method) {
                'GET' => $this->loginForm($session),
                'POST' => $this->logIn($request, $session),
                default => $this->methodNotAllowed('GET, POST'),
            },
            $path === $base . '/logout' => $this->only('POST', $request, fn () => $this->logOut($request, $session)),
            $path === $base . '/admin.css' => $this->only('GET', $request, fn () => $this->stylesheet()),
            default => AdminResponse::html(404, $this->pages->error->render('error_not_found')),
        };
    }

    /** @param \Closure(): AdminResponse $handler */
    private function only(string $method, AdminRequest $request, \Closure $handler): AdminResponse
    {
        return $request->method === $method ? $handler() : $this->methodNotAllowed($method);
    }

    private function methodNotAllowed(string $allow): AdminResponse
    {
        return AdminResponse::html(405, $this->pages->error->render('error_method'), ['Allow' => $allow]);
    }

    private function dashboard(AdminRequest $request, AdminSession $session): AdminResponse
    {
        if (!$session->isAuthenticated()) {
            return AdminResponse::redirect($this->basePath . '/login');
        }
        $csrf = $session->csrfToken();
        // The session file stays locked while open; the queries below need no session.
        $session->close();
        $query = LogQuery::fromRequest($request);
        $data = DashboardData::load($this->settings->openLedger(), $query, $this->silenceHours());
        return AdminResponse::html(200, $this->pages->dashboard->render($query, $data, $csrf));
    }

    private function loginForm(AdminSession $session): AdminResponse
    {
        if ($session->isAuthenticated()) {
            return AdminResponse::redirect($this->basePath . '/');
        }
        return AdminResponse::html(200, $this->pages->login->render($session->csrfToken(), null, $this->gate->isConfigured()));
    }

    /**
     * Failures are counted per address in the ledger, shared by every worker,
     * instead of sleeping: a sleeping worker is one the API no longer has.
     * Every failure counts, an expired form too, since each cost a hash.
     */
    private function logIn(AdminRequest $request, AdminSession $session): AdminResponse
    {
        $ledger = $this->settings->openLedger();
        $wait = $ledger->loginThrottle($request->remoteAddress);
        if ($wait > 0) {
            return $this->throttled($wait);
        }
        $csrfValid = $session->isValidCsrfToken($request->post('csrf'));
        // Verified even when the token is wrong, so every failure costs the same.
        $passwordValid = $this->gate->verify($request->post('password'));
        if ($csrfValid && $passwordValid) {
            $session->logIn();
            return AdminResponse::redirect($this->basePath . '/');
        }
        $wait = $ledger->recordLoginFailure($request->remoteAddress);
        if ($wait > 0) {
            return $this->throttled($wait);
        }
        $error = $csrfValid ? 'login_wrong_password' : 'login_form_expired';
        $page = $this->pages->login->render($session->csrfToken(), $error, $this->gate->isConfigured());
        return AdminResponse::html($csrfValid ? 401 : 400, $page);
    }

    private function throttled(int $waitSeconds): AdminResponse
    {
        return AdminResponse::html(429, $this->pages->error->render('error_throttled'), ['Retry-After' => (string) $waitSeconds]);
    }

    private function logOut(AdminRequest $request, AdminSession $session): AdminResponse
    {
        if (!$session->isAuthenticated()) {
            return AdminResponse::redirect($this->basePath . '/login');
        }
        if (!$session->isValidCsrfToken($request->post('csrf'))) {
            return AdminResponse::html(400, $this->pages->error->render('error_form_expired', $session->csrfToken()));
        }
        $session->logOut();
        return AdminResponse::redirect($this->basePath . '/login');
    }

    private function stylesheet(): AdminResponse
    {
        $css = is_file(self::STYLESHEET) ? (string) file_get_contents(self::STYLESHEET) : '';
        return new AdminResponse(200, $css, [], 'text/css; charset=utf-8');
    }

    /** The ledger this host serves: hosts on one machine differ by it. */
    private function instance(): string
    {
        return $this->settings->database() ?: (string) ini_get('cashback.database');
    }

    private function silenceHours(): int
    {
        return max(1, $this->settings->int('silence_hours'));
    }
}
