<?php

declare(strict_types=1);

// Test doubles for rendering the module's components: a minimal
// CBitrixComponent (params → executeComponent → includeComponentTemplate) and
// the global GetMessage()/htmlspecialcharsbx()/htmlspecialcharsEx() that
// components and their templates use.
//
// CBitrixComponent follows the real class in avshatalov48/bitrix-core-business
// (modules/main/classes/general/component.php at commit 0d02fd98, main 23.300.100):
// includeComponent() sets CACHE_TYPE to 'A' unless it is 'Y' or 'N', includes
// the component's lang file, calls onPrepareComponentParams($arParams) and then
// __prepareComponentParams() on what it returned, then executeComponent().
// __prepareComponentParams() adds for every key K a raw copy '~K'; a string
// containing any of ; & < > " is replaced by htmlspecialcharsEx() of it, every
// string directly inside an array value is passed through htmlspecialcharsEx();
// other values stay as they are. htmlspecialcharsEx() (main/tools.php) turns
// < > " into entities and re-escapes the & of the entities &amp; &lt; &gt;
// &quot; &#34; &#x22; &#39; &#x27; (a bare & is left alone).
//
// Component language files live inside the component, as Bitrix looks them
// up: the nearest `lang` directory above the file, then
// lang/<LANGUAGE_ID>/<path below that directory> (templates/.default/lang/ru/template.php).
// ComponentLang::load() does that and GetMessage() reads what it loaded,
// falling back to Loc for the module's own files.

namespace Retaillab\Cashback\Tests\Doubles {
    final class ComponentLang
    {
        /** @var array<string, string> */
        public static array $messages = [];

        public static function load(string $file): void
        {
            $dir = dirname($file);
            while ($dir !== dirname($dir)) {
                if (is_dir($dir . '/lang')) {
                    $langFile = $dir . '/lang/' . \LANGUAGE_ID . substr($file, strlen($dir));
                    if (is_file($langFile)) {
                        $MESS = [];
                        include $langFile;
                        self::$messages = $MESS + self::$messages;
                    }
                    return;
                }
                $dir = dirname($dir);
            }
        }

        /** Renders a component template with $arResult/$arParams in scope, returns the HTML. */
        public static function render(string $templateFile, array $arResult, array $arParams = [], ?object $component = null): string
        {
            self::load($templateFile);
            ob_start();
            try {
                (static function (string $__file, array $arResult, array $arParams, ?object $component): void {
                    include $__file;
                })($templateFile, $arResult, $arParams, $component);
            } finally {
                $html = (string) ob_get_clean();
            }
            return $html;
        }
    }
}

namespace {
    if (!function_exists('htmlspecialcharsbx')) {
        /** As Bitrix: ENT_COMPAT (single quotes are NOT escaped), UTF-8, double encoding. */
        function htmlspecialcharsbx($string, $flags = ENT_COMPAT, $doubleEncode = true)
        {
            return htmlspecialchars((string) $string, $flags, 'UTF-8', $doubleEncode);
        }
    }

    if (!function_exists('htmlspecialcharsEx')) {
        /** As Bitrix (main/tools.php): str_replace of these pairs, in this order; arrays element by element. */
        function htmlspecialcharsEx($str)
        {
            static $search = ['&amp;', '&lt;', '&gt;', '&quot;', '&#34;', '&#x22;', '&#39;', '&#x27;', '<', '>', '"'];
            static $replace = ['&amp;amp;', '&amp;lt;', '&amp;gt;', '&amp;quot;', '&amp;#34;', '&amp;#x22;', '&amp;#39;', '&amp;#x27;', '&lt;', '&gt;', '&quot;'];
            if (is_array($str)) {
                foreach ($str as $key => $value) {
                    if (is_scalar($value)) {
                        $str[$key] = str_replace($search, $replace, (string) $value);
                    }
                }
                return $str;
            }
            return is_scalar($str) ? str_replace($search, $replace, (string) $str) : $str;
        }
    }

    if (!function_exists('GetMessage')) {
        function GetMessage($name, $replace = null)
        {
            $message = \Retaillab\Cashback\Tests\Doubles\ComponentLang::$messages[$name]
                ?? \Bitrix\Main\Localization\Loc::getMessage($name);
            if ($message !== null && is_array($replace)) {
                $message = strtr($message, $replace);
            }
            return $message ?? '';
        }
    }

    if (!class_exists('CBitrixComponent', false)) {
        /** The part of CBitrixComponent a class.php component uses. */
        class CBitrixComponent
        {
            public $arParams = [];
            public $arResult = [];

            /** @var ?string what includeComponentTemplate() rendered */
            public ?string $renderedHtml = null;

            public function __construct($component = null)
            {
            }

            public function onPrepareComponentParams($arParams)
            {
                return $arParams;
            }

            public function executeComponent()
            {
                $this->includeComponentTemplate();
                return null;
            }

            /**
             * What CBitrixComponent::includeComponent() does for a class.php
             * component: CACHE_TYPE, the lang file, onPrepareComponentParams(),
             * __prepareComponentParams() on its result, then executeComponent().
             */
            public function runForTest(array $params)
            {
                if (!isset($params['CACHE_TYPE']) || ($params['CACHE_TYPE'] != 'Y' && $params['CACHE_TYPE'] != 'N')) {
                    $params['CACHE_TYPE'] = 'A';
                }
                \Retaillab\Cashback\Tests\Doubles\ComponentLang::load($this->componentClassFile());
                $this->arParams = $this->onPrepareComponentParams($params);
                $this->__prepareComponentParams($this->arParams);
                return $this->executeComponent();
            }

            /** The real (final) method's effect: '~KEY' raw copies, strings HTML-escaped with htmlspecialcharsEx(). */
            final public function __prepareComponentParams(&$arParams)
            {
                if (!is_array($arParams)) {
                    return;
                }
                $prepared = [];
                foreach ($arParams as $key => $value) {
                    $prepared[$key] = match (true) {
                        is_string($value) => preg_match('/[;&<>"]/', $value) === 1 ? htmlspecialcharsEx($value) : $value,
                        is_array($value) => array_map(static fn ($item) => is_string($item) ? htmlspecialcharsEx($item) : $item, $value),
                        default => $value,
                    };
                }
                foreach ($arParams as $key => $value) {
                    $prepared['~' . $key] = $value;
                }
                $arParams = array_replace($arParams, $prepared);
            }

            public function includeComponentTemplate($templatePage = '')
            {
                $file = dirname($this->componentClassFile()) . '/templates/.default/' . ($templatePage !== '' ? $templatePage : 'template') . '.php';
                $this->renderedHtml = \Retaillab\Cashback\Tests\Doubles\ComponentLang::render($file, $this->arResult, $this->arParams, $this);
            }

            /** The component's class.php: the nearest class in the hierarchy declared in one (tests subclass it). */
            private function componentClassFile(): string
            {
                for ($class = new \ReflectionClass($this); $class !== false; $class = $class->getParentClass()) {
                    if (basename((string) $class->getFileName()) === 'class.php') {
                        return (string) $class->getFileName();
                    }
                }
                throw new \LogicException(static::class . ' is not declared in a component class.php');
            }
        }
    }
}
