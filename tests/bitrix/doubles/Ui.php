<?php

declare(strict_types=1);

// Test doubles of what the module's admin pages (admin/log.php, admin/reindex.php,
// options.php) need from the core besides the kernel classes of Main.php: the
// main.ui.grid / main.ui.filter options and components, PageNavigation, CAjax,
// CAdminTabControl, CUserOptions, Type\DateTime, the kernel session, LocalRedirect,
// and an application/request pair for pages run for real (PageApplication and
// PageRequest extend Main.php's CMain and HttpRequest with what a page calls).
//
// Every double names the real class it follows: file and version of
// avshatalov48/bitrix-core-business (main 23.300.100 is commit 0d02fd9; a file not
// changed in that commit is quoted from the latest earlier version found, named
// with it). Facts are recorded, not code: each double is written for the tests.
// Core classes are declared only when absent, so another area may declare them first.
//
// The files the pages include from the site (prolog_admin_before.php,
// prolog_admin_after.php, epilog_admin.php, group_rights.php, settings.php) are
// in doubles/pages/site/; doubles/pages/router.php serves the pages under PHP's
// built-in server (doubles/PageServer.php starts it and talks to it).

namespace Bitrix\Main\Type {
    if (!class_exists(Date::class, false)) {
        /**
         * Bitrix\Main\Type\Date (main/lib/type/date.php as stored at f22798d, main 22.200.150):
         * parses with date_parse_from_format() in the culture's format (site format
         * DD.MM.YYYY here); more than one parse error fails with ObjectException
         * unless the first is "Trailing data" or "Data missing"; warnings (31.02)
         * are not errors, the date rolls over (03.03). Time is midnight.
         */
        class Date
        {
            protected \DateTime $value;

            public function __construct($date = null, $format = null)
            {
                $this->value = new \DateTime();
                if ($date !== null && $date !== '') {
                    $parsed = static::parseText((string) ($format ?? static::getFormat()), (string) $date);
                    if ($parsed === null) {
                        throw new \Bitrix\Main\ObjectException('Incorrect date: ' . $date);
                    }
                    $this->value->setDate($parsed['year'], $parsed['month'], $parsed['day']);
                }
                $this->value->setTime(0, 0);
            }

            /** @return array{year: int, month: int, day: int, hour: int, minute: int, second: int}|null */
            protected static function parseText(string $format, string $text): ?array
            {
                $parsed = date_parse_from_format($format, $text);
                if ($parsed['error_count'] > 1) {
                    $first = (string) current($parsed['errors']);
                    if ($first !== 'Trailing data' && $first !== 'Data missing') {
                        return null;
                    }
                }
                if ($parsed['year'] === false) {
                    return null;
                }
                return [
                    'year' => (int) $parsed['year'],
                    'month' => $parsed['month'] === false ? 1 : (int) $parsed['month'],
                    'day' => $parsed['day'] === false ? 1 : (int) $parsed['day'],
                    'hour' => (int) $parsed['hour'],
                    'minute' => (int) $parsed['minute'],
                    'second' => (int) $parsed['second'],
                ];
            }

            /** The culture's short format in PHP notation; the double's culture is DD.MM.YYYY. */
            public static function getFormat($culture = null): string
            {
                return 'd.m.Y';
            }

            public function getTimestamp(): int
            {
                return $this->value->getTimestamp();
            }

            public function format($format): string
            {
                return $this->value->format((string) $format);
            }

            public function toString($culture = null): string
            {
                return $this->format(static::getFormat($culture));
            }

            public function __toString(): string
            {
                return $this->toString();
            }
        }
    }

    if (!class_exists(DateTime::class, false)) {
        /**
         * Bitrix\Main\Type\DateTime (main/lib/type/datetime.php as stored at f22798d): the culture's
         * full format (DD.MM.YYYY HH:MI:SS → d.m.Y H:i:s). createFromUserTime() tries the
         * full format, then the short one at midnight, then subtracts CTimeZone's user
         * offset; the double has no user zone (CTimeZone disabled): the server's zone.
         */
        class DateTime extends Date
        {
            public function __construct($time = null, $format = null, ?\DateTimeZone $timezone = null)
            {
                $this->value = $timezone === null ? new \DateTime() : new \DateTime('now', $timezone);
                if ($time !== null && $time !== '') {
                    $parsed = static::parseText((string) ($format ?? static::getFormat()), (string) $time);
                    if ($parsed === null) {
                        throw new \Bitrix\Main\ObjectException('Incorrect date/time: ' . $time);
                    }
                    $this->value->setDate($parsed['year'], $parsed['month'], $parsed['day']);
                    $this->value->setTime($parsed['hour'], $parsed['minute'], $parsed['second']);
                }
            }

            public static function getFormat($culture = null): string
            {
                return 'd.m.Y H:i:s';
            }

            public static function createFromUserTime($timeString): static
            {
                try {
                    return new static($timeString);
                } catch (\Bitrix\Main\ObjectException) {
                    $time = new static($timeString, Date::getFormat());
                    $time->value->setTime(0, 0);
                    return $time;
                }
            }

            public static function createFromTimestamp($timestamp): static
            {
                $time = new static();
                $time->value->setTimestamp((int) $timestamp);
                return $time;
            }
        }
    }
}

namespace Bitrix\Main {
    if (!class_exists(ObjectException::class, false)) {
        /** Bitrix\Main\ObjectException: what Type\Date throws on an unreadable date. */
        class ObjectException extends \Exception
        {
        }
    }
}

namespace Bitrix\Main\Session {
    if (!class_exists(Session::class, false)) {
        /**
         * The kernel session of Bitrix\Main\Application::getSession() (main/lib/session/session.php,
         * 20.5+): an ArrayAccess over the session data whose offsetGet returns by reference, so
         * $session['a']['b'] = 1 writes through. One per request; a page run keeps its data
         * between requests (doubles/pages/router.php), as the browser's session cookie would.
         */
        class Session implements \ArrayAccess
        {
            /** @var array<string, mixed> */
            public static array $data = [];

            private static ?Session $instance = null;

            public static function instance(): Session
            {
                return self::$instance ??= new self();
            }

            public static function reset(): void
            {
                self::$data = [];
            }

            public function offsetExists($offset): bool
            {
                return isset(self::$data[$offset]);
            }

            public function &offsetGet($offset): mixed
            {
                if (!array_key_exists($offset, self::$data)) {
                    self::$data[$offset] = null;
                }
                return self::$data[$offset];
            }

            public function offsetSet($offset, $value): void
            {
                if ($offset === null) {
                    self::$data[] = $value;
                } else {
                    self::$data[$offset] = $value;
                }
            }

            public function offsetUnset($offset): void
            {
                unset(self::$data[$offset]);
            }

            public function get($name)
            {
                return self::$data[$name] ?? null;
            }

            public function set($name, $value): void
            {
                self::$data[$name] = $value;
            }

            public function has($name): bool
            {
                return array_key_exists($name, self::$data);
            }
        }
    }
}

namespace {
    if (!class_exists('CUserOptions', false)) {
        /**
         * CUserOptions (main/classes/general/user_options.php): per-user settings by category and
         * name (b_user_option). The pages' user is an authorized administrator, so grid and filter
         * options live here (Grid\Options::save() and Filter\Options::save() write them here when
         * $USER->isAuthorized()). $options is kept between the requests of a page run.
         */
        final class CUserOptions
        {
            /** @var array<string, array<string, mixed>> category => name => value */
            public static array $options = [];

            public static function reset(): void
            {
                self::$options = [];
            }

            public static function GetOption($category, $name, $default_value = false, $user_id = false)
            {
                return self::$options[$category][$name] ?? $default_value;
            }

            public static function SetOption($category, $name, $value, $bCommon = false, $user_id = false): bool
            {
                self::$options[$category][$name] = $value;
                return true;
            }

            public static function DeleteOption($category, $name, $bCommon = false, $user_id = false): bool
            {
                unset(self::$options[$category][$name]);
                return true;
            }
        }
    }
}

namespace Bitrix\Main\Grid {
    if (!class_exists(Options::class, false)) {
        /**
         * Bitrix\Main\Grid\Options (main/lib/grid/options.php at 0d02fd9, main 23.300.100; GetNavParams()
         * is CGridOptions', main/classes/general/grids.php): the user's saved grid options ('main.interface.grid',
         * GRID_ID) with one view, 'default'. GetNavParams(['nPageSize' => n]) gives n (20 when
         * not given), replaced by the page size the user chose in the grid if one is saved
         * (the grid saves it over AJAX; tests put it with setPageSize()+save()).
         */
        class Options
        {
            private array $all;

            public function __construct(private string $gridId, array $filterPresets = [])
            {
                $saved = \CUserOptions::GetOption('main.interface.grid', $gridId, []);
                $this->all = is_array($saved) ? $saved : [];
                $this->all['views']['default'] ??= [];
                $this->all['current_view'] ??= 'default';
            }

            public function getId(): string
            {
                return $this->gridId;
            }

            public function GetOptions(): array
            {
                return $this->all;
            }

            public function getCurrentOptions(): array
            {
                return $this->all['views'][$this->all['current_view']] ?? [];
            }

            public function GetNavParams($arParams = []): array
            {
                $result = ['nPageSize' => $arParams['nPageSize'] ?? 20];
                $saved = $this->getCurrentOptions()['page_size'] ?? '';
                if ((string) $saved !== '') {
                    $result['nPageSize'] = $saved;
                }
                return $result;
            }

            /** The columns the user picked, or $default when none (comma-separated ids in the view). */
            public function getUsedColumns($defaultColumns = []): array
            {
                $columns = $this->getCurrentOptions()['columns'] ?? '';
                return is_string($columns) && $columns !== '' ? explode(',', $columns) : $defaultColumns;
            }

            public function setPageSize($size): void
            {
                $size = is_scalar($size) ? (int) $size : 20;
                $this->all['views'][$this->all['current_view']]['page_size'] = $size >= 0 ? $size : 20;
            }

            public function SetVisibleColumns($columns): void
            {
                $this->all['views'][$this->all['current_view']]['columns'] = implode(',', (array) $columns);
            }

            public function save(): void
            {
                \CUserOptions::SetOption('main.interface.grid', $this->gridId, $this->all);
            }
        }
    }
}

namespace Bitrix\Main\UI\Filter {
    if (!class_exists(Options::class, false)) {
        /**
         * Bitrix\Main\UI\Filter\Options (main/lib/ui/filter/options.php at 23.300.100), for fields
         * of type string, list and date. getFilter($fields):
         * - a request with apply_filter (and no ajax_request) whose query has values of the
         *   fields ({id}; for a date {id}_datesel with {id}_from/_to/...; FIND) makes them the
         *   'tmp_filter' preset, kept in the user's options, and the current one (kept in the
         *   session) when apply_filter=Y; clear_filter=Y goes back to 'default_filter';
         * - the current preset's values are returned without empty ones; a date field's range is
         *   recomputed (DateType RANGE: _from as given, _to at 23:59:59 of its day when it has no
         *   time, both in the site format; an end not given stays ''); then PRESET_ID, FILTER_ID,
         *   FILTER_APPLIED => true and FIND (the search string, from the session) are added;
         * - with the 'default_filter' preset (nothing applied) it returns [].
         * Not modelled: relative date types (CURRENT_DAY, LAST_7_DAYS, ...: the double drops them),
         * an end MakeTimeStamp() cannot read (the double leaves it ''), presets and with_preset.
         */
        class Options
        {
            public const DEFAULT_FILTER = 'default_filter';
            public const TMP_FILTER = 'tmp_filter';

            private array $options;

            public function __construct(private string $id, $filterPresets = [], $commonPresetsId = null)
            {
                $saved = \CUserOptions::GetOption('main.ui.filter', $id, []);
                $this->options = is_array($saved) ? $saved : [];
                $this->options['filters'] ??= [];
                $this->options['default'] ??= self::DEFAULT_FILTER;
            }

            public function getId(): string
            {
                return $this->id;
            }

            public function getFilter($sourceFields = []): array
            {
                $this->applyRequest((array) $sourceFields);
                $presetId = $this->getCurrentFilterId();
                if ($presetId === self::DEFAULT_FILTER) {
                    return [];
                }
                $fields = $this->options['filters'][$presetId]['fields'] ?? [];
                $result = [];
                foreach ((array) $fields as $key => $value) {
                    $key = (string) $key;
                    if ($value === '' || $value === null || str_ends_with($key, '_from') || str_ends_with($key, '_to')) {
                        continue;
                    }
                    if (str_ends_with($key, '_datesel')) {
                        $result += self::dateRange(substr($key, 0, -8), (array) $fields);
                        continue;
                    }
                    $result[$key] = $value;
                }
                $search = $this->getSearchString();
                if ($result !== [] || $search !== '') {
                    $result += ['PRESET_ID' => $presetId, 'FILTER_ID' => $presetId, 'FILTER_APPLIED' => true, 'FIND' => $search];
                }
                return $result;
            }

            public function getCurrentFilterId(): string
            {
                $current = \Bitrix\Main\Session\Session::$data['main.ui.filter'][$this->id]['filter'] ?? null;
                return is_string($current) && $current !== '' ? $current : (string) $this->options['default'];
            }

            public function getSearchString(): string
            {
                $search = \Bitrix\Main\Session\Session::$data['main.ui.filter'][$this->id]['filter_search'] ?? '';
                return is_string($search) ? $search : '';
            }

            public function save(): void
            {
                \CUserOptions::SetOption('main.ui.filter', $this->id, $this->options);
            }

            private function applyRequest(array $sourceFields): void
            {
                $request = \Bitrix\Main\Context::getCurrent()->getRequest();
                $ajax = method_exists($request, 'isAjaxRequest') && $request->isAjaxRequest();
                if ($request->get('apply_filter') === null || $request->get('ajax_request') !== null || $ajax) {
                    return;
                }
                $clear = strtoupper((string) $request->get('clear_filter')) === 'Y';
                $fields = [];
                foreach ($sourceFields as $field) {
                    $id = (string) ($field['id'] ?? '');
                    if (($field['type'] ?? 'string') === 'date') {
                        $ends = ['_from', '_to', '_year', '_month', '_days', '_quarter'];
                        $given = array_filter($ends, static fn (string $end): bool => $request->get($id . $end) !== null);
                        if ($request->get($id . '_datesel') !== null && $given !== []) {
                            $fields[$id . '_datesel'] = $request->get($id . '_datesel');
                            foreach (['_from', '_to', '_year', '_month', '_days'] as $end) {
                                $fields[$id . $end] = $request->get($id . $end) ?? '';
                            }
                        }
                    } elseif ($request->get($id) !== null) {
                        $fields[$id] = $request->get($id);
                    }
                }
                if ($request->get('FIND') !== null) {
                    $fields['FIND'] = $request->get('FIND');
                }
                if ($fields === [] && !$clear) {
                    return;
                }
                $presetId = $clear ? self::DEFAULT_FILTER : self::TMP_FILTER;
                if (strtoupper((string) $request->get('apply_filter')) === 'Y' || $clear) {
                    \Bitrix\Main\Session\Session::$data['main.ui.filter'][$this->id]['filter'] = $presetId;
                }
                if (array_key_exists('FIND', $fields)) {
                    \Bitrix\Main\Session\Session::$data['main.ui.filter'][$this->id]['filter_search'] = $fields['FIND'];
                    unset($fields['FIND']);
                }
                $this->options['filters'][$presetId]['fields'] = $presetId === self::DEFAULT_FILTER ? [] : $fields;
                $this->save();
            }

            /**
             * DateType::RANGE as calcDates() computes it, in the site format (d.m.Y H:i:s): both ends
             * are always there, '' when not given (so an empty range still comes back as RANGE).
             */
            private static function dateRange(string $id, array $fields): array
            {
                if (($fields[$id . '_datesel'] ?? '') !== 'RANGE') {
                    return [];
                }
                $range = [$id . '_datesel' => 'RANGE', $id . '_from' => '', $id . '_to' => ''];
                $from = self::timestamp((string) ($fields[$id . '_from'] ?? ''));
                if ($from !== null) {
                    $range[$id . '_from'] = date('d.m.Y H:i:s', $from[0]);
                }
                $to = self::timestamp((string) ($fields[$id . '_to'] ?? ''));
                if ($to !== null) {
                    $range[$id . '_to'] = date('d.m.Y H:i:s', $to[1] ? $to[0] : $to[0] + 86399);
                }
                return $range;
            }

            /** MakeTimeStamp() of the site format: [timestamp, has a time part] or null. */
            private static function timestamp(string $text): ?array
            {
                if (preg_match('/^(\d\d)\.(\d\d)\.(\d{4})(?: (\d\d):(\d\d)(?::(\d\d))?)?$/', trim($text), $m) !== 1) {
                    return null;
                }
                $time = mktime((int) ($m[4] ?? 0), (int) ($m[5] ?? 0), (int) ($m[6] ?? 0), (int) $m[2], (int) $m[1], (int) $m[3]);
                return [$time, isset($m[4])];
            }
        }
    }
}

namespace Bitrix\Main\UI {
    if (!class_exists(PageNavigation::class, false)) {
        /**
         * Bitrix\Main\UI\PageNavigation (main/lib/ui/pagenavigation.php as stored at 998ac41, main
         * 20.5.462; not stored at the later commits checked up to 0d02fd9): page size 20 until set; initFromUri() reads ?{id}=page-N[-size-M] (or the SEF
         * form /{id}/page-N/size-M), takes a size only if it is one of setPageSizes(), "page-all"
         * only when allowAllRecords(true), and a page number >= 1, cut to the page count when the
         * record count is already known. getCurrentPage() is 1 until set.
         */
        class PageNavigation
        {
            private int $pageSize = 20;
            private ?int $recordCount = null;
            private ?int $currentPage = null;
            private bool $allowAll = false;
            private bool $allRecords = false;
            private array $pageSizes = [];

            public function __construct(private string $id)
            {
            }

            public function initFromUri(): void
            {
                $request = \Bitrix\Main\Context::getCurrent()->getRequest();
                $value = method_exists($request, 'getQuery') ? $request->getQuery($this->id) : $request->getQueryList()->get($this->id);
                $params = [];
                if ($value !== null) {
                    $parts = explode('-', (string) $value);
                    for ($i = 0; $i + 1 < count($parts); $i += 2) {
                        $params[$parts[$i]] = $parts[$i + 1];
                    }
                } elseif (preg_match('#/' . preg_quote($this->id, '#') . '/page-(\d+|all)(?:/size-(\d+))?#', $request->getRequestUri(), $m) === 1) {
                    $params['page'] = $m[1];
                    if (isset($m[2])) {
                        $params['size'] = $m[2];
                    }
                }
                if (isset($params['size']) && in_array($params['size'], $this->pageSizes)) {
                    $this->setPageSize((int) $params['size']);
                }
                if (isset($params['page'])) {
                    if ($params['page'] === 'all' && $this->allowAll) {
                        $this->allRecords = true;
                    } elseif ((int) $params['page'] >= 1) {
                        $page = (int) $params['page'];
                        if ($this->recordCount !== null) {
                            $page = min($page, $this->getPageCount());
                        }
                        $this->setCurrentPage($page);
                    }
                }
            }

            public function getPageCount(): int
            {
                if ($this->allRecords) {
                    return 1;
                }
                return (int) ceil((int) $this->recordCount / $this->pageSize);
            }

            public function setPageSize($n): static
            {
                $this->pageSize = (int) $n;
                return $this;
            }

            public function setCurrentPage($n): static
            {
                $this->currentPage = (int) $n;
                return $this;
            }

            public function getCurrentPage(): int
            {
                return $this->currentPage ?? 1;
            }

            public function allowAllRecords($mode): static
            {
                $this->allowAll = (bool) $mode;
                return $this;
            }

            public function setRecordCount($n): static
            {
                $this->recordCount = (int) $n;
                return $this;
            }

            public function getRecordCount(): ?int
            {
                return $this->recordCount;
            }

            public function setPageSizes(array $sizes): static
            {
                $this->pageSizes = $sizes;
                return $this;
            }

            public function getPageSizes(): array
            {
                return $this->pageSizes;
            }

            public function getPageSize(): int
            {
                return $this->pageSize;
            }

            public function getId(): string
            {
                return $this->id;
            }

            public function getOffset(): int
            {
                return $this->allRecords ? 0 : ($this->getCurrentPage() - 1) * $this->pageSize;
            }

            public function getLimit(): int
            {
                return $this->allRecords ? (int) $this->recordCount : $this->pageSize;
            }

            public function allRecordsShown(): bool
            {
                return $this->allRecords;
            }

            public function allRecordsAllowed(): bool
            {
                return $this->allowAll;
            }
        }
    }
}

namespace Retaillab\Cashback\Tests\Doubles {
    use Bitrix\Main\HttpRequest;

    /** Thrown instead of ending the hit when the code runs inside PHPUnit (not under the page server). */
    final class PageEnded extends \RuntimeException
    {
    }

    /**
     * What a page did that the real core would answer by ending the hit (LocalRedirect, AuthForm),
     * recorded for the test. PageRun::$serving (set by the router) makes them end the hit as the
     * core does; in-process they throw PageEnded instead.
     */
    final class PageRun
    {
        public static bool $serving = false;

        /** prolog_admin_after.php has printed the admin header. */
        public static bool $prologShown = false;

        /** @var list<string> LocalRedirect() targets */
        public static array $redirects = [];

        /** @var list<string> AuthForm() messages */
        public static array $authForms = [];

        /** @var list<array{name: string, template: string, params: array<string, mixed>}> IncludeComponent() calls */
        public static array $components = [];

        public static function end(): never
        {
            if (self::$serving) {
                exit;
            }
            throw new PageEnded('the page ended the hit');
        }
    }

    /**
     * Bitrix\Main\HttpRequest (main/lib/httprequest.php) as a page reads it: getQuery(), getPost(),
     * get() (query and post; post wins), ArrayAccess over both ($request['sessid'] is what
     * check_bitrix_sessid() reads), isAjaxRequest() (X-Requested-With / bx_ajax).
     */
    class PageRequest extends HttpRequest implements \ArrayAccess
    {
        /** @param array<string, string> $headers */
        public function __construct(
            string $method,
            string $uri,
            array $headers,
            private array $queryValues,
            private array $postValues,
        ) {
            parent::__construct($method, $uri, $headers, $queryValues, $postValues);
        }

        public function getQuery($name)
        {
            return $this->queryValues[$name] ?? null;
        }

        public function getPost($name)
        {
            return $this->postValues[$name] ?? null;
        }

        public function isAjaxRequest(): bool
        {
            return strtolower((string) $this->getHeader('x-requested-with')) === 'xmlhttprequest' || isset($this->postValues['bx_ajax']);
        }

        public function offsetExists($offset): bool
        {
            return $this->get($offset) !== null;
        }

        public function offsetGet($offset): mixed
        {
            return $this->get($offset);
        }

        public function offsetSet($offset, $value): void
        {
            throw new \LogicException('the request is read-only');
        }

        public function offsetUnset($offset): void
        {
            throw new \LogicException('the request is read-only');
        }
    }

    /**
     * What group_rights.php (doubles/pages/site/bitrix/modules/main/admin/group_rights.php) reads
     * besides CMain's b_module_group rows (Main.php: CMain::$groupRights, SetGroupRight,
     * DelGroupRight) and the GROUP_DEFAULT_RIGHT option (b_option, the Option double): the user
     * groups (CGroup::GetList of active groups) and the active sites (CSite::GetList), and how
     * many times it saved a module's rights.
     */
    final class GroupRights
    {
        /** @var array<int, array{NAME: string, ACTIVE?: string, ADMIN?: string}> group id => group (b_group) */
        public static array $groups = [];

        /** @var array<string, string> site id => name */
        public static array $sites = ['s1' => 'Сайт'];

        /** @var array<string, int> module => how many times group_rights.php saved its rights */
        public static array $saves = [];

        public static function reset(): void
        {
            self::$groups = [];
            self::$sites = ['s1' => 'Сайт'];
            self::$saves = [];
        }
    }

    /**
     * The global $APPLICATION of a page run: Main.php's CMain (GetGroupRight from $rights,
     * SetTitle/GetTitle, the static SetGroupRight/DelGroupRight over b_module_group,
     * RestartBuffer, GetCurPage from $curPage) with what the pages call besides:
     * - GetCurPageParam($add, $kill) (classes/general/main.php at 0d02fd9): the current page, then
     *   "?" . $add, then the current $_GET without the killed names (DeleteParam of tools.php:
     *   case-insensitive, http_build_query) joined with "&"; the page alone when both are empty;
     * - AuthForm($message): the admin authorization form with the message (the admin header
     *   unless already printed, and the epilog, by default), then the end of the hit
     *   (do_die defaults to true);
     * - IncludeComponent(): bitrix:main.ui.grid and bitrix:main.ui.filter (AdminComponents);
     * - GetUserRightArray($module): the module's rights by site key ('common' or the site) and
     *   group, what group_rights.php shows; GetDefaultRightList() (D, R, W).
     */
    class PageApplication extends \CMain
    {
        public function GetCurPageParam($strParam = '', $arParamKill = [], $get_index_page = null)
        {
            $query = $_GET;
            foreach (array_keys($query) as $key) {
                foreach ((array) $arParamKill as $kill) {
                    if (strcasecmp((string) $kill, (string) $key) === 0) {
                        unset($query[$key]);
                        break;
                    }
                }
            }
            $rest = $query === [] ? '' : http_build_query($query, '', '&');
            if ($rest !== '' && $strParam !== '') {
                $rest = '&' . $rest;
            }
            return $rest === '' && $strParam === '' ? $this->GetCurPage() : $this->GetCurPage() . '?' . $strParam . $rest;
        }

        public function AuthForm($mess, $show_prolog = true, $show_epilog = true, $not_show_links = 'N', $do_die = true)
        {
            PageRun::$authForms[] = (string) (is_array($mess) ? ($mess['MESSAGE'] ?? '') : $mess);
            $this->SetTitle('Авторизация');
            if ($show_prolog && !PageRun::$prologShown) {
                if (!defined('BX_AUTH_FORM')) {
                    define('BX_AUTH_FORM', true);
                }
                include $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_admin_after.php';
            }
            echo '<form class="adm-auth-form" method="post">';
            \CAdminMessage::ShowMessage(is_array($mess) ? $mess : ['TYPE' => 'ERROR', 'MESSAGE' => (string) $mess]);
            echo '<input type="text" name="USER_LOGIN"><input type="password" name="USER_PASSWORD"></form>';
            if ($show_epilog) {
                include $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/epilog_admin.php';
            }
            if ($do_die) {
                PageRun::end();
            }
        }

        public function IncludeComponent($componentName, $componentTemplate, $arParams = [], $parentComponent = null, $arFunctionParams = [], $returnResult = false)
        {
            PageRun::$components[] = ['name' => (string) $componentName, 'template' => (string) $componentTemplate, 'params' => (array) $arParams];
            echo AdminComponents::render((string) $componentName, (array) $arParams);
            return null;
        }

        public function GetDefaultRightList()
        {
            return ['reference_id' => ['D', 'R', 'W'], 'reference' => ['[D] deny', '[R] read', '[W] write']];
        }

        /** @return array<string, array<int, string>> */
        public function GetUserRightArray($module_id, $arGroups = false)
        {
            $rights = [];
            foreach (\CMain::$groupRights as $row) {
                if ($row['MODULE_ID'] === (string) $module_id) {
                    $rights[$row['SITE_ID'] ?? 'common'][$row['GROUP_ID']] = $row['G_ACCESS'];
                }
            }
            return $rights;
        }
    }

    /**
     * bitrix:main.ui.grid and bitrix:main.ui.filter as the admin pages use them: the parameters
     * are checked against what the real components read, then a plain rendering is returned.
     *
     * main.ui.grid (main/install/components/bitrix/main.ui.grid/class.php, prepareParams() and
     * prepareNavString() of the stored versions read (13 are stored, none at 0d02fd9 itself), with
     * Grid\Params::prepareBoolean/String/Array/Int of main/lib/grid/params.php): a flag counts only
     * as a PHP bool (prepareBoolean takes the first is_bool value, else the default) — 'Y'/'N'
     * are silently ignored; GRID_ID and COLUMNS (or HEADERS) are required (else an error message,
     * nothing rendered); a column needs a string "id"; a row shows its "columns" cell HTML
     * unescaped, falling back to "data"; the columns shown are the user's (grid options) or those
     * with default => true; NAV_OBJECT (a PageNavigation) is rendered by bitrix:main.pagenavigation,
     * template "grid" (links ?{nav id}=page-N). AJAX_MODE/AJAX_ID/AJAX_OPTION_* are read by the
     * component engine (CComponentAjax), not by the class.
     *
     * main.ui.filter (main/install/components/bitrix/main.ui.filter/class.php): FILTER_ID, GRID_ID,
     * FILTER (fields: id, name, type string|list|date|number|..., items, params, default, time),
     * ENABLE_LABEL and ENABLE_LIVE_SEARCH counted only when is_bool / === true, FILTER_PRESETS,
     * COMMON_PRESETS_ID, DISABLE_SEARCH, COMPACT_STATE, RESET_TO_DEFAULT_MODE, VALUE_REQUIRED_MODE,
     * LIMITS, LAZY_LOAD, MESSAGES, ... The current values come from Filter\Options::getFilter().
     *
     * A parameter the component does not read, or a flag that is not a bool, fails the test: the
     * real component would ignore it without a word.
     */
    final class AdminComponents
    {
        private const GRID_FLAGS = [
            'ALLOW_INLINE_EDIT', 'EDITABLE', 'SHOW_ROW_ACTIONS_MENU', 'ROW_ACTIONS', 'SHOW_ROW_CHECKBOXES',
            'SHOW_NAVIGATION_PANEL', 'ALLOW_GROUP_ACTIONS', 'ACTION_ALL_ROWS', 'SHOW_CHECK_ALL_CHECKBOXES',
            'ALLOW_CONTEXT_MENU', 'SHOW_GROUP_EDIT_BUTTON', 'SHOW_GROUP_DELETE_BUTTON', 'SHOW_SELECT_ALL_RECORDS_CHECKBOX',
            'SHOW_GRID_SETTINGS_MENU', 'SHOW_MORE_BUTTON', 'SHOW_PAGINATION', 'SHOW_PAGESIZE', 'SHOW_SELECTED_COUNTER',
            'SHOW_TOTAL_COUNTER', 'ALLOW_COLUMNS_SORT', 'ALLOW_ROWS_SORT', 'ALLOW_ROWS_SORT_IN_EDIT_MODE',
            'ALLOW_ROWS_SORT_INSTANT_SAVE', 'ALLOW_HORIZONTAL_SCROLL', 'ALLOW_SORT', 'ALLOW_COLUMNS_RESIZE',
            'ALLOW_COLUMN_RESIZE', 'ALLOW_PIN_HEADER', 'ALLOW_STICKED_COLUMNS', 'DISABLE_HEADERS_TRANSFORM',
            'SHOW_ACTION_PANEL', 'ENABLE_COLLAPSIBLE_ROWS', 'TILE_GRID_MODE', 'TOP_ACTION_PANEL_PINNED_MODE',
            'ADVANCED_EDIT_MODE', 'ALLOW_EDIT_SELECTION', 'HIDE_TOP_BORDER_RADIUS', 'HIDE_BOTTOM_BORDER_RADIUS',
            'HANDLE_RESPONSE_ERRORS',
        ];

        private const GRID_OTHER = [
            'GRID_ID', 'SORT', 'SORT_VARS', 'COLUMNS', 'HEADERS', 'HEADERS_SECTIONS', 'ROWS', 'TOTAL_ROWS_COUNT', 'FOOTER',
            'AJAX_ID', 'AGGREGATE_ROWS', 'NAV_PARAM_NAME', 'CURRENT_PAGE', 'NAV_STRING', 'NAV_OBJECT', '~NAV_PARAMS',
            'NAV_COMPONENT', 'NAV_COMPONENT_TEMPLATE', 'ACTIONS_LIST', 'ACTIONS', 'PAGE_SIZES', 'DEFAULT_PAGE_SIZE',
            'JS_CLASS_TILE_GRID_ITEM', 'TILE_SIZE', 'TILE_GRID_ITEMS', 'ROW_LAYOUT', 'ACTION_PANEL', 'TOP_ACTION_PANEL_CLASS',
            'ACTION_PANEL_OPTIONS', 'SETTINGS_WINDOW_TITLE', 'FORM_ID', 'TAB_ID', 'MESSAGES', 'LAZY_LOAD',
            'ENABLE_FIELDS_SEARCH', 'USE_CHECKBOX_LIST_FOR_SETTINGS_POPUP',
            // read by the component engine for every component
            'AJAX_MODE', 'AJAX_OPTION_JUMP', 'AJAX_OPTION_STYLE', 'AJAX_OPTION_HISTORY', 'AJAX_OPTION_ADDITIONAL',
        ];

        private const FILTER_FLAGS = ['ENABLE_LABEL', 'ENABLE_LIVE_SEARCH', 'RESET_TO_DEFAULT_MODE'];

        private const FILTER_OTHER = [
            'FILTER_ID', 'GRID_ID', 'FILTER', 'FILTER_PRESETS', 'COMMON_PRESETS_ID', 'DISABLE_SEARCH', 'COMPACT_STATE',
            'VALUE_REQUIRED_MODE', 'VALUE_REQUIRED', 'LIMITS', 'LAZY_LOAD', 'MESSAGES', 'THEME', 'CONFIG',
            'ENABLE_ADDITIONAL_FILTERS', 'ENABLE_FIELDS_SEARCH', 'HEADERS_SECTIONS', 'RESTRICTED_FIELDS',
            'USE_CHECKBOX_LIST_FOR_SETTINGS_POPUP', 'NAVIGATION_BAR',
        ];

        public static function render(string $name, array $params): string
        {
            return match ($name) {
                'bitrix:main.ui.grid' => self::grid($params),
                'bitrix:main.ui.filter' => self::filter($params),
                default => throw new \LogicException("no double of the component $name"),
            };
        }

        private static function check(string $name, array $params, array $flags, array $other): void
        {
            foreach ($params as $key => $value) {
                if (in_array($key, $flags, true)) {
                    if (!is_bool($value)) {
                        throw new \LogicException("$name ignores $key: the component takes only a PHP bool, got " . var_export($value, true));
                    }
                } elseif (!in_array($key, $other, true)) {
                    throw new \LogicException("$name does not read the parameter $key");
                }
            }
        }

        private static function grid(array $params): string
        {
            self::check('bitrix:main.ui.grid', $params, self::GRID_FLAGS, self::GRID_OTHER);
            if (!is_string($params['GRID_ID'] ?? null) || $params['GRID_ID'] === '') {
                throw new \LogicException('bitrix:main.ui.grid needs GRID_ID');
            }
            $columns = $params['COLUMNS'] ?? $params['HEADERS'] ?? null;
            if (!is_array($columns)) {
                throw new \LogicException('bitrix:main.ui.grid needs COLUMNS');
            }
            $byId = [];
            foreach ($columns as $column) {
                if (!is_array($column) || !is_string($column['id'] ?? null) || $column['id'] === '') {
                    throw new \LogicException('a main.ui.grid column needs a string id');
                }
                $byId[$column['id']] = $column;
            }
            $defaults = array_keys(array_filter($byId, static fn (array $c): bool => !empty($c['default'])));
            $shown = array_values(array_intersect(
                (new \Bitrix\Main\Grid\Options($params['GRID_ID']))->getUsedColumns($defaults),
                array_keys($byId),
            ));

            $html = '<div class="main-grid" id="' . self::e($params['GRID_ID']) . '" data-ajax-id="' . self::e((string) ($params['AJAX_ID'] ?? '')) . '">'
                . '<table class="main-grid-table"><thead><tr>';
            foreach ($shown as $id) {
                $html .= '<th class="main-grid-cell-head" data-name="' . self::e($id) . '">' . self::e((string) ($byId[$id]['name'] ?? $id)) . '</th>';
            }
            $html .= '</tr></thead><tbody>';
            foreach ((array) ($params['ROWS'] ?? []) as $index => $row) {
                $rowId = (string) ($row['id'] ?? $row['data']['ID'] ?? $index);
                $html .= '<tr class="main-grid-row main-grid-row-body" data-id="' . self::e($rowId) . '">';
                foreach ($shown as $id) {
                    $cell = $row['columns'][$id] ?? $row['data'][$id] ?? '';
                    $html .= '<td class="main-grid-cell" data-column="' . self::e($id) . '">' . $cell . '</td>';
                }
                $html .= '</tr>';
            }
            $html .= '</tbody></table>';

            $nav = $params['NAV_OBJECT'] ?? null;
            if ($nav instanceof \Bitrix\Main\UI\PageNavigation && ($params['SHOW_PAGINATION'] ?? true) === true) {
                $html .= '<div class="main-grid-nav-panel" data-current-page="' . $nav->getCurrentPage() . '" data-page-count="' . $nav->getPageCount() . '">';
                for ($page = 1; $page <= $nav->getPageCount(); $page++) {
                    $html .= $page === $nav->getCurrentPage()
                        ? '<span class="main-ui-pagination-page main-ui-pagination-active">' . $page . '</span>'
                        : '<a class="main-ui-pagination-page" href="' . self::e(self::pageUrl($nav->getId(), $page)) . '">' . $page . '</a>';
                }
                $html .= '</div>';
            }
            if (($params['SHOW_PAGESIZE'] ?? false) === true) {
                $current = $nav instanceof \Bitrix\Main\UI\PageNavigation ? $nav->getPageSize() : 0;
                $html .= '<select class="main-grid-page-size">';
                foreach ((array) ($params['PAGE_SIZES'] ?? []) as $size) {
                    $value = (string) ($size['VALUE'] ?? '');
                    $html .= '<option value="' . self::e($value) . '"' . ((int) $value === $current ? ' selected' : '') . '>' . self::e((string) ($size['NAME'] ?? $value)) . '</option>';
                }
                $html .= '</select>';
            }
            return $html . '</div>';
        }

        /** The current request URI with ?{navId}=page-N instead of any page it had (Web\Uri::addParams). */
        private static function pageUrl(string $navId, int $page): string
        {
            $uri = (string) \Bitrix\Main\Context::getCurrent()->getRequest()->getRequestUri();
            $path = (string) parse_url($uri, PHP_URL_PATH);
            parse_str((string) parse_url($uri, PHP_URL_QUERY), $query);
            unset($query['bxajaxid'], $query['AJAX_CALL']);
            $query[$navId] = 'page-' . $page;
            return $path . '?' . http_build_query($query, '', '&');
        }

        private static function filter(array $params): string
        {
            self::check('bitrix:main.ui.filter', $params, self::FILTER_FLAGS, self::FILTER_OTHER);
            if (!is_string($params['FILTER_ID'] ?? null) || $params['FILTER_ID'] === '') {
                throw new \LogicException('bitrix:main.ui.filter needs FILTER_ID');
            }
            $fields = (array) ($params['FILTER'] ?? []);
            $values = (new \Bitrix\Main\UI\Filter\Options($params['FILTER_ID']))->getFilter($fields);
            $html = '<form class="main-ui-filter" data-filter-id="' . self::e($params['FILTER_ID']) . '" data-grid-id="' . self::e((string) ($params['GRID_ID'] ?? '')) . '">'
                . '<input type="text" name="FIND" value="' . self::e((string) ($values['FIND'] ?? '')) . '">';
            foreach ($fields as $field) {
                $id = (string) ($field['id'] ?? '');
                $html .= '<div class="main-ui-filter-field" data-name="' . self::e($id) . '" data-type="' . self::e((string) ($field['type'] ?? 'string')) . '">'
                    . '<label>' . self::e((string) ($field['name'] ?? $id)) . '</label>';
                if (($field['type'] ?? 'string') === 'list') {
                    $html .= '<select name="' . self::e($id) . '">';
                    foreach ((array) ($field['items'] ?? []) as $value => $label) {
                        // FieldAdapter takes an item's label as given (NAME), the value as a string.
                        $html .= '<option value="' . self::e((string) $value) . '"' . ((string) ($values[$id] ?? '') === (string) $value ? ' selected' : '') . '>' . $label . '</option>';
                    }
                    $html .= '</select>';
                } elseif (($field['type'] ?? 'string') === 'date') {
                    $html .= '<input type="text" name="' . self::e($id) . '_from" value="' . self::e((string) ($values[$id . '_from'] ?? '')) . '">'
                        . '<input type="text" name="' . self::e($id) . '_to" value="' . self::e((string) ($values[$id . '_to'] ?? '')) . '">';
                } else {
                    $html .= '<input type="text" name="' . self::e($id) . '" value="' . self::e((string) ($values[$id] ?? '')) . '">';
                }
                $html .= '</div>';
            }
            return $html . '</form>';
        }

        private static function e(string $text): string
        {
            return htmlspecialchars($text, ENT_QUOTES, 'UTF-8');
        }
    }
}

namespace {
    use Retaillab\Cashback\Tests\Doubles\PageRun;

    if (!class_exists('CAjax', false)) {
        /**
         * CAjax::GetComponentID (class CAjax of main/classes/general, 23.x): md5 of "file|line|component|template (.default when empty)|additional id"
         * of the frame that called $APPLICATION->IncludeComponent(), or of the outermost frame when
         * there is none (called as an argument, before IncludeComponent runs). Stable for one call
         * site, which is what the grid's AJAX_ID needs.
         */
        class CAjax
        {
            public static function GetComponentID($componentName, $componentTemplate, $additionalID): string|false
            {
                $trace = debug_backtrace(DEBUG_BACKTRACE_IGNORE_ARGS);
                $frame = end($trace);
                foreach ($trace as $candidate) {
                    if (strtolower($candidate['function']) === 'includecomponent' && isset($candidate['class']) && is_a($candidate['class'], CMain::class, true)) {
                        $frame = $candidate;
                        break;
                    }
                }
                if (empty($frame['file']) || (int) ($frame['line'] ?? 0) <= 0) {
                    return false;
                }
                return md5($frame['file'] . '|' . (int) $frame['line'] . '|' . $componentName . '|' . ($componentTemplate ?: '.default') . '|' . $additionalID);
            }
        }
    }

    if (!class_exists('CAdminTabControl', false)) {
        /**
         * CAdminTabControl (main/interface/admin_tabcontrol.php at 23.300.100): tabs
         * [DIV, TAB, TITLE, ...]; the selected tab is $_REQUEST["{name}_active_tab"] when it names a
         * tab, else the first. Begin() prints the tab headers (TAB escaped), BeginNextTab() closes the
         * previous tab and opens the next (div#DIV, hidden unless selected, TITLE as given, then a
         * table whose <tbody> takes the page's rows), Buttons() closes the remaining tabs and opens
         * the buttons area (with $aParams: the standard save/apply buttons), End() closes everything
         * and prints the hidden "{name}_active_tab" field. ActiveTabParam() is
         * "{name}_active_tab=" . urlencode(selected tab). No JavaScript, hot keys or autosave.
         */
        class CAdminTabControl
        {
            public $name;
            public $tabs = [];
            public $selectedTab;
            public $tabIndex = 0;
            public $bButtons = false;

            public function __construct($name, $tabs, $bCanExpand = true, $bDenyAutoSave = false)
            {
                $this->name = (string) $name;
                $this->tabs = is_array($tabs) ? array_values($tabs) : [];
                $this->SetSelectedTab();
            }

            public function SetSelectedTab(): void
            {
                $this->selectedTab = $this->tabs[0]['DIV'] ?? null;
                $requested = $_REQUEST[$this->name . '_active_tab'] ?? null;
                foreach ($this->tabs as $tab) {
                    if ($requested !== null && $tab['DIV'] == $requested) {
                        $this->selectedTab = $tab['DIV'];
                    }
                }
            }

            public function Begin(): void
            {
                $this->tabIndex = 0;
                $this->SetSelectedTab();
                echo '<div class="adm-detail-block" id="', $this->name, '_layout"><div class="adm-detail-tabs-block" id="', $this->name, '_tabs">';
                foreach ($this->tabs as $tab) {
                    echo '<span id="tab_cont_', $tab['DIV'], '" class="adm-detail-tab', $tab['DIV'] === $this->selectedTab ? ' adm-detail-tab-active' : '', '">',
                        htmlspecialchars((string) ($tab['TAB'] ?? ''), ENT_COMPAT, 'UTF-8', false), '</span>';
                }
                echo '</div><div class="adm-detail-content-wrap">';
            }

            public function BeginNextTab($options = []): void
            {
                $this->EndTab();
                if ($this->tabIndex >= count($this->tabs)) {
                    return;
                }
                $tab = $this->tabs[$this->tabIndex];
                echo '<div class="adm-detail-content" id="', $tab['DIV'], '"', $tab['DIV'] !== $this->selectedTab ? ' style="display:none; "' : '', '>',
                    '<div class="adm-detail-title">', $tab['TITLE'] ?? '', '</div>',
                    '<div class="adm-detail-content-item-block"><table class="adm-detail-content-table edit-table" id="', $tab['DIV'], '_edit_table"><tbody>';
                $this->tabIndex++;
            }

            public function EndTab(): void
            {
                if ($this->tabIndex < 1 || $this->tabIndex > count($this->tabs) || !empty($this->tabs[$this->tabIndex - 1]['_closed'])) {
                    return;
                }
                echo '</tbody></table></div></div>';
                $this->tabs[$this->tabIndex - 1]['_closed'] = true;
            }

            public function Buttons($aParams = false): void
            {
                while ($this->tabIndex < count($this->tabs)) {
                    $this->BeginNextTab();
                }
                $this->bButtons = true;
                $this->EndTab();
                echo '<div class="adm-detail-content-btns-wrap" id="', $this->name, '_buttons_div"><div class="adm-detail-content-btns">';
                if (is_array($aParams)) {
                    if (($aParams['btnSave'] ?? true) !== false) {
                        echo '<input type="submit" name="save" value="Сохранить" class="adm-btn-save">';
                    }
                    if (($aParams['btnApply'] ?? true) !== false) {
                        echo '<input type="submit" name="apply" value="Применить">';
                    }
                }
            }

            public function End(): void
            {
                if (!$this->bButtons) {
                    while ($this->tabIndex < count($this->tabs)) {
                        $this->BeginNextTab();
                    }
                    $this->EndTab();
                    echo '<div class="adm-detail-content-btns-wrap"><div class="adm-detail-content-btns adm-detail-content-btns-empty"></div></div>';
                } else {
                    echo '</div></div>';
                }
                echo '</div></div>';
                echo '<input type="hidden" id="', $this->name, '_active_tab" name="', $this->name, '_active_tab" value="', htmlspecialchars((string) $this->selectedTab, ENT_COMPAT, 'UTF-8'), '">';
            }

            public function GetSelectedTab()
            {
                return $this->selectedTab;
            }

            public function ActiveTabParam(): string
            {
                return $this->name . '_active_tab=' . urlencode((string) $this->selectedTab);
            }
        }
    }

    if (!function_exists('LocalRedirect')) {
        /**
         * LocalRedirect (main/tools.php): a 302 to $url (same host) and the end of the hit. Under
         * the page server it sends the Location header and exits; in-process it throws PageEnded.
         */
        function LocalRedirect($url, $skip_security_check = false, $status = '302 Found'): void
        {
            PageRun::$redirects[] = (string) $url;
            if (PageRun::$serving && !headers_sent()) {
                header('Location: ' . $url, true, (int) $status ?: 302);
            }
            PageRun::end();
        }
    }
}
