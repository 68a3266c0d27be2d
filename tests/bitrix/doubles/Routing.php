<?php

declare(strict_types=1);

// Test doubles of Bitrix\Main\Routing: RoutingConfigurator, RoutingConfiguration,
// Options, Route and Router, following the real classes in
// avshatalov48/bitrix-core-business (modules/main/lib/routing/*.php, the stored
// copies: routingconfigurator.php and routingconfiguration.php at commit 10714f08,
// options.php 8a9c58da, route.php 49994226, router.php 1428fa16). What the module
// relies on, as the real code does it:
//   - RoutingConfigurator has no methods of its own for routes or options: __call()
//     creates a RoutingConfiguration (registered with the router, holding a clone
//     of the configurator's scope options) and forwards the call to it. So
//     prefix()/where()/name() return that RoutingConfiguration, get()/post()/any()
//     return it too, and RoutingConfiguration::group() returns nothing (null);
//     an unknown method throws SystemException;
//   - group($callback) calls $callback with a clone of the configurator whose scope
//     options have the group's prefix appended to the parent prefixes and its
//     where() patterns merged;
//   - a route's URI is '/' . join('/', prefixes) . '/' . $uri when a prefix is set,
//     else $uri as given (no trimming, no slash added);
//   - Route::match(): a URI without '{' matches only the identical path (===); a URI
//     with parameters becomes the regex "#^<uri>$#" (the URI itself not quoted),
//     each {name} replaced by its where() pattern, or [^/]* with a default(), else
//     [^/]+. Neither adds an optional trailing slash;
//   - Router::match() urldecodes the path, tries the routes in declaration order,
//     and skips a matching route whose methods do not include the request method
//     (an empty list: any method); get() is ['GET', 'HEAD'].
// Router::match() takes an HttpRequest and cuts the query string and scheme/host
// from getRequestUri(); tests call matchPath($method, $path) with the path already cut.

namespace Bitrix\Main\Routing {
    use Bitrix\Main\SystemException;

    class Options
    {
        public static $optionList = ['methods', 'middleware', 'prefix', 'name', 'domain', 'where', 'default'];

        protected $methods = [];
        protected $middleware = [];
        protected $prefix;
        protected $parentPrefixes = [];
        protected $name;
        protected $parentNames = [];
        protected $domain;
        protected $where = [];
        protected $default = [];

        public function mergeWith($anotherOptions)
        {
            $this->where = array_merge($this->where, $anotherOptions->where);
            $this->middleware = array_merge($this->middleware, $anotherOptions->middleware);
            if ($anotherOptions->prefix != '') {
                $this->parentPrefixes[] = $anotherOptions->prefix;
            }
            if ($anotherOptions->name != '') {
                $this->parentNames[] = $anotherOptions->name;
            }
        }

        public function methods($methods)
        {
            $this->methods = $methods;
        }

        public function getMethods()
        {
            return $this->methods;
        }

        public function middleware($middleware)
        {
            $this->middleware = is_array($middleware) ? array_merge($this->middleware, $middleware) : [...$this->middleware, $middleware];
        }

        public function prefix($prefix)
        {
            $this->prefix = $prefix;
        }

        public function hasPrefix()
        {
            return $this->prefix != '' || !empty($this->parentPrefixes);
        }

        public function getFullPrefix()
        {
            $prefixes = $this->parentPrefixes ?: [];
            if ($this->prefix != '') {
                $prefixes[] = $this->prefix;
            }
            return '/' . implode('/', $prefixes);
        }

        public function name($name)
        {
            $this->name = $name;
        }

        public function hasName()
        {
            return $this->name != '';
        }

        public function getFullName()
        {
            return $this->name == '' ? '' : implode('', [...$this->parentNames, $this->name]);
        }

        public function domain($domain)
        {
            $this->domain = $domain;
        }

        public function where($parameter, $pattern)
        {
            $this->where[$parameter] = $pattern;
        }

        public function hasWhere($parameter)
        {
            return array_key_exists($parameter, $this->where);
        }

        public function getWhere($parameter = null)
        {
            return $parameter === null ? $this->where : $this->where[$parameter];
        }

        public function default($parameter, $value)
        {
            $this->default[$parameter] = $value;
        }

        public function hasDefault($parameter)
        {
            return array_key_exists($parameter, $this->default);
        }

        public function getDefault($parameter = null)
        {
            return $parameter === null ? $this->default : $this->default[$parameter];
        }

        public function clearCurrent()
        {
            $this->prefix = null;
            $this->name = null;
        }
    }

    class Route
    {
        protected $fullUri;
        protected $matchUri;
        protected $parameters;
        protected $parametersValues = [];
        protected $options;

        public function __construct(protected $uri, protected $controller)
        {
        }

        public function getOptions()
        {
            return $this->options;
        }

        public function setOptions($options)
        {
            $this->options = $options;
        }

        public function getController()
        {
            return $this->controller;
        }

        public function getParameters()
        {
            return $this->parameters;
        }

        /** The real one returns a ParameterDictionary; the double an array of name => value. */
        public function getParametersValues()
        {
            return $this->parametersValues;
        }

        /** @internal Router::match() sets what the route matched. */
        public function setParametersValuesForTest(array $values): void
        {
            $this->parametersValues = $values;
        }

        public function getParameterValue($name)
        {
            return $this->parametersValues[$name] ?? null;
        }

        /** The regex of a URI with {parameters}: the URI unquoted, each {name} a named group. */
        public function compile()
        {
            if ($this->matchUri !== null) {
                return;
            }
            $this->parameters = [];
            $this->matchUri = '#^' . preg_replace_callback('/{([a-z0-9_]+)}/i', function (array $m): string {
                $pattern = match (true) {
                    (bool) $this->options?->hasWhere($m[1]) => $this->options->getWhere($m[1]),
                    (bool) $this->options?->hasDefault($m[1]) => '[^/]*',
                    default => '[^/]+',
                };
                $this->parameters[$m[1]] = $pattern;
                return "(?<{$m[1]}>$pattern)";
            }, $this->getUri()) . '$#';
        }

        /** @return array<string, string>|bool the parameters matched (defaults filled in), true for a parameterless match, false */
        public function match($uriPath)
        {
            $defaults = $this->options ? $this->options->getDefault() : [];
            if (!str_contains($this->getUri(), '{')) {
                return $uriPath === $this->getUri() ? ($defaults ?: true) : false;
            }
            $this->compile();
            if (!preg_match($this->matchUri, $uriPath, $matches)) {
                return false;
            }
            $values = [];
            foreach (array_keys($this->parameters) as $name) {
                $values[$name] = $matches[$name] === '' && array_key_exists($name, $defaults) ? $defaults[$name] : $matches[$name];
            }
            return $values + $defaults;
        }

        public function getUri()
        {
            if ($this->fullUri === null) {
                $this->fullUri = $this->uri;
                if ($this->options && $this->options->hasPrefix()) {
                    $this->fullUri = $this->options->getFullPrefix() . '/' . $this->uri;
                }
            }
            return $this->fullUri;
        }
    }

    class RoutingConfiguration
    {
        public static $configurationList = ['get', 'post', 'put', 'patch', 'options', 'delete', 'any', 'group'];

        protected $configurator;
        protected $routeContainer;
        protected $options;

        public function __call($method, $arguments)
        {
            if (in_array($method, Options::$optionList, true)) {
                $this->options->$method(...$arguments);
                return $this;
            }
            throw new SystemException(sprintf('Unknown method `%s` for object `%s`', $method, static::class));
        }

        public function setConfigurator($configurator)
        {
            $this->configurator = $configurator;
        }

        public function setOptions($options)
        {
            $this->options = $options;
        }

        public function get($uri, $controller)
        {
            return $this->route(['GET', 'HEAD'], $uri, $controller);
        }

        public function post($uri, $controller)
        {
            return $this->route(['POST'], $uri, $controller);
        }

        public function put($uri, $controller)
        {
            return $this->route(['PUT'], $uri, $controller);
        }

        public function patch($uri, $controller)
        {
            return $this->route(['PATCH'], $uri, $controller);
        }

        public function options($uri, $controller)
        {
            return $this->route(['OPTIONS'], $uri, $controller);
        }

        public function delete($uri, $controller)
        {
            return $this->route(['DELETE'], $uri, $controller);
        }

        public function any($uri, $controller)
        {
            $this->routeContainer = new Route($uri, $controller);
            return $this;
        }

        public function match($methods, $uri, $controller)
        {
            return $this->route($methods, $uri, $controller);
        }

        /** Like the real one: returns nothing. */
        public function group($callback)
        {
            $this->routeContainer = $callback;
            $subConfigurator = clone $this->configurator;
            $subConfigurator->mergeOptionsWith($this->options);
            $callback($subConfigurator);
        }

        public function release()
        {
            if ($this->routeContainer instanceof Route) {
                $this->routeContainer->setOptions($this->options);
                return [$this->routeContainer];
            }
            return [];
        }

        private function route(array $methods, $uri, $controller)
        {
            $this->options->methods($methods);
            $this->routeContainer = new Route($uri, $controller);
            return $this;
        }
    }

    class Router
    {
        protected $routes = [];
        protected $configurations = [];

        public function registerConfiguration($configuration)
        {
            $this->configurations[] = $configuration;
        }

        public function releaseRoutes()
        {
            $i = -1;
            while (isset($this->configurations[++$i])) {
                $this->routes = array_merge($this->routes, $this->configurations[$i]->release());
            }
            $this->configurations = [];
        }

        /** @return Route[] */
        public function getRoutes()
        {
            return $this->routes;
        }

        /** Router::match() for a request of $method to $uriPath (query string and host already cut). */
        public function matchPath(string $method, string $uriPath): ?Route
        {
            $path = urldecode($uriPath);
            foreach ($this->routes as $route) {
                if ($matchResult = $route->match($path)) {
                    if (!empty($route->getOptions()->getMethods()) && !in_array($method, $route->getOptions()->getMethods(), true)) {
                        continue;
                    }
                    if (is_array($matchResult)) {
                        $route->setParametersValuesForTest($matchResult);
                    }
                    return $route;
                }
            }
            return null;
        }
    }

    /**
     * The real constructor only creates the scope options; the router is set by
     * the kernel (setRouter) before a route file's closure runs. The double
     * starts with a router of its own, so a test can configure and then match.
     */
    class RoutingConfigurator
    {
        protected $router;
        protected $scopeOptions;

        public function __construct()
        {
            $this->scopeOptions = new Options();
            $this->router = new Router();
        }

        public function __call($method, $arguments)
        {
            if (in_array($method, Options::$optionList, true) || in_array($method, RoutingConfiguration::$configurationList, true)) {
                return $this->createConfiguration()->$method(...$arguments);
            }
            throw new SystemException(sprintf('Unknown method `%s` for object `%s`', $method, static::class));
        }

        public function createConfiguration()
        {
            $configuration = new RoutingConfiguration();
            $configuration->setConfigurator($this);
            $this->router->registerConfiguration($configuration);
            $configuration->setOptions(clone $this->scopeOptions);
            return $configuration;
        }

        public function mergeOptionsWith($anotherOptions)
        {
            $this->scopeOptions->mergeWith($anotherOptions);
        }

        public function getRouter()
        {
            return $this->router;
        }

        public function setRouter($router)
        {
            $this->router = $router;
        }

        public function __clone()
        {
            $this->scopeOptions = clone $this->scopeOptions;
            $this->scopeOptions->clearCurrent();
        }

        /** Test helper: releases what was configured and returns the route the kernel would pick, or null. */
        public function matchForTest(string $method, string $uriPath): ?Route
        {
            $this->router->releaseRoutes();
            return $this->router->matchPath($method, $uriPath);
        }
    }
}
