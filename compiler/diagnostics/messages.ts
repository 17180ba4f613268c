// Every message adc shows a user, in one place. Codes are stable: tests and users grep for them.
export const messages = {
  unsupportedStatement: (what: string) =>
    `ADC1001: ${what} is not supported in a @differentiable function yet (supported: const/let, assignments, return)`,
  unsupportedExpression: (what: string) => `ADC1002: ${what} is not supported in a @differentiable function`,
  unsupportedOperator: (op: string) => `ADC1003: the operator '${op}' is not supported in a @differentiable function (supported: + - * / ** % and unary -)`,
  noRuleForCall: (callee: string) =>
    `ADC1004: cannot differentiate the call to '${callee}': adc has no derivative for it (Math functions with a rule, and tagged functions once calls land, are supported)`,
  callToTagged: (callee: string) =>
    `ADC1005: '${callee}' is @differentiable too, but calls between @differentiable functions are not supported yet; inline its body for now`,
  unknownMathMember: (name: string) => `ADC1006: 'Math.${name}' is not supported in a @differentiable function`,
  unknownName: (name: string) =>
    `ADC1007: '${name}' is not a parameter or local variable of this function (module-level constants must be numeric literals)`,
  parameterType: (name: string, type: string) =>
    `ADC1008: parameter '${name}' has type '${type}'; only 'number' parameters are supported yet`,
  parameterNeedsType: (name: string) => `ADC1009: parameter '${name}' needs a type annotation (': number')`,
  parameterForm: (what: string) => `ADC1010: ${what} parameters are not supported in a @differentiable function`,
  returnType: (type: string) => `ADC1011: a @differentiable function must return 'number', not '${type}'`,
  missingReturn: (name: string) => `ADC1012: '${name}' must end with 'return <expression>'`,
  codeAfterReturn: () => `ADC1013: code after 'return' is never run; remove it`,
  assignToUnknown: (name: string) => `ADC1014: cannot assign to '${name}': it is not a local variable or parameter of this function`,
  assignToConst: (name: string) => `ADC1015: cannot assign to '${name}': it is a const`,
  readBeforeAssign: (name: string) => `ADC1016: '${name}' is read before it is assigned a value`,
  varDeclaration: () => `ADC1017: 'var' is not supported in a @differentiable function; use 'let' or 'const'`,
  destructuring: () => `ADC1018: destructuring is not supported in a @differentiable function; declare one variable at a time`,
  localType: (name: string, type: string) => `ADC1019: local '${name}' has type '${type}'; only numbers are supported yet`,
  notAFunction: () => `ADC1020: @differentiable must tag a function declaration or 'const f = (…) => …'`,
  noBody: (name: string) => `ADC1021: '${name}' has no body to differentiate (a declaration or overload)`,
  functionModifier: (what: string) => `ADC1022: ${what} functions cannot be @differentiable`,
  wrtUnknown: (name: string, fn: string) => `ADC1023: wrt(${name}): '${fn}' has no parameter named '${name}'`,
  wrtSyntax: (text: string) => `ADC1024: cannot read the tag '${text}': write '@differentiable' or '@differentiable wrt(a, b)'`,
  typeParameters: () => `ADC1025: generic @differentiable functions are not supported`,
  duplicateTagged: (name: string) => `ADC1026: two @differentiable functions are named '${name}'`,
  generatedNameClash: (name: string, other: string) =>
    `ADC1027: the generated '${name}' would clash with '${other}' declared in this file; rename one of them`,
} as const;
