<?php

declare(strict_types=1);

// Test doubles for rendering the module's components: a minimal
// CBitrixComponent (params → executeComponent → includeComponentTemplate) and
// the global GetMessage()/htmlspecialcharsbx() that component templates use.
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

            /** What Bitrix does for $APPLICATION->IncludeComponent(): prepare params, then execute. */
            public function runForTest(array $params)
            {
                \Retaillab\Cashback\Tests\Doubles\ComponentLang::load($this->componentClassFile());
                $this->arParams = $this->onPrepareComponentParams($params);
                return $this->executeComponent();
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
